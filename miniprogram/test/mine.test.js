const { installWx, renderPage, text, tap, callsTo, fixture } = require('./helpers')

describe('mine page (我的/设置)', () => {
  test('shows who I am, my links and the unread count', async () => {
    installWx({ 'GET /me': fixture('me-volunteer'), 'GET /notifications/unread-count': { unread: 2 } }, { member: fixture('me-volunteer') })
    const page = await renderPage('mine')
    const t = text(page)
    expect(t).toContain('李建国')
    expect(t).toContain('居民 · 志愿者')
    expect(t).toContain('HPL-00001')
    expect(t).toContain('我的任务')
    expect(t).toContain('志愿者档案')
    expect(t).toContain('2条未读')
    expect(t).toContain('隐私与个人信息')
    expect(t).toContain('短信提醒')
    expect(t).toContain('我的星级')
    expect(t).toContain('亲情转赠和爱心池')
    expect(t).toContain('公告')
  })

  test('the elder-mode switch is remembered and applied', async () => {
    const { storage } = installWx({ 'GET /me': fixture('me-resident') }, { member: fixture('me-resident') })
    const page = await renderPage('mine')
    page.instance.onElder({ detail: { value: true } })
    expect(storage.get('lb_elder_mode')).toBe(true)
    expect(page.dom.firstChild.className).toContain('elder')
    const again = await renderPage('passbook')
    expect(again.dom.firstChild.className).toContain('elder')
  })

  test('log out clears the token and goes to the login page', async () => {
    const { storage } = installWx({ 'GET /me': fixture('me-resident') }, { member: fixture('me-resident') })
    const page = await renderPage('mine')
    await tap(page, '.logout')
    expect(storage.has('lb_token')).toBe(false)
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  })

  test('when /me fails the stored member is still shown', async () => {
    const { calls } = installWx({ 'GET /me': { offline: true } }, { member: fixture('me-resident') })
    const page = await renderPage('mine')
    expect(callsTo(calls, 'GET', '/me')).toHaveLength(1)
    expect(text(page)).toContain('王秀兰')
  })
})
