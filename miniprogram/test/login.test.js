const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts } = require('./helpers')

function answer(handle) {
  const member = fixture(`me-${handle}`)
  return { token: `tok-${handle}`, expires_in: 604800, member }
}

describe('login page', () => {
  test('in development lists the demo members to pick', async () => {
    installWx({ 'GET /auth/dev-logins': fixture('dev-logins') }, { token: null })
    const page = await renderPage('login')
    expect(text(page)).toContain('同意并用微信登录')
    expect(text(page)).toContain('王秀兰')
    expect(text(page)).toContain('李建国')
  })

  test('picking a demo member logs in, records the privacy agreement, and opens the home page', async () => {
    const { calls, storage } = installWx({
      'GET /auth/dev-logins': fixture('dev-logins'),
      'POST /auth/dev-login': answer('resident'),
      'PATCH /me': (c) => ({ ...fixture('me-resident'), privacy_agreed: c.data.agree_privacy }),
    }, { token: null })
    const page = await renderPage('login')
    await tap(page, '.demo')
    expect(callsTo(calls, 'POST', '/auth/dev-login')[0].data).toEqual({ handle: 'resident' })
    expect(callsTo(calls, 'PATCH', '/me')[0].data).toEqual({ agree_privacy: true })
    expect(callsTo(calls, 'PATCH', '/me')[0].header.Authorization).toBe('Bearer tok-resident')
    expect(storage.get('lb_token')).toBe('tok-resident')
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' })
  })

  test('WeChat login sends the wx.login code; a member without a household is sent to open one', async () => {
    const member = { ...fixture('me-resident'), household_id: null, privacy_agreed: true }
    const { calls } = installWx({
      'GET /auth/dev-logins': fixture('dev-logins'),
      'POST /auth/wechat': { token: 't', expires_in: 1, member },
    }, { token: null })
    const page = await renderPage('login')
    page.instance.onWechatLogin()
    await new Promise((r) => setTimeout(r, 10))
    expect(callsTo(calls, 'POST', '/auth/wechat')[0].data).toEqual({ code: 'wx-code-1' })
    expect(callsTo(calls, 'PATCH', '/me')).toHaveLength(0)
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/household/index' })
  })

  test('a refused login shows the server message and stays', async () => {
    installWx({
      'GET /auth/dev-logins': fixture('dev-logins'),
      'POST /auth/wechat': { status: 401, body: { code: 401, status: 'Unauthorized', message: '微信登录已失效，请重新登录' } },
    }, { token: null })
    const page = await renderPage('login')
    page.instance.onWechatLogin()
    await new Promise((r) => setTimeout(r, 10))
    expect(modalTexts()).toContain('提示|微信登录已失效，请重新登录')
    expect(wx.reLaunch).not.toHaveBeenCalled()
  })

  test('when the demo list cannot load it says so', async () => {
    installWx({ 'GET /auth/dev-logins': { offline: true } }, { token: null })
    const page = await renderPage('login')
    expect(text(page)).toContain('网络没有连上')
  })
})
