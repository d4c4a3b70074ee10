const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts } = require('./helpers')

const coordinator = fixture('me-coordinator')
const CODE = 'lovebank-console:Q1w2E3r4'
const APPROVE = '/console-sessions/lovebank-console%3AQ1w2E3r4/approve'

describe('扫码登录工作台 (the station web console login)', () => {
  test('the station page scans the computer\'s code and opens the confirming page', async () => {
    installWx({ 'GET /desk': fixture('desk') }, { member: coordinator })
    wx.scanCode.mockImplementation((o) => o.success({ result: CODE }))
    const page = await renderPage('station')
    expect(text(page)).toContain('扫码登录工作台')
    await tap(page, '.console-login')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/station/console-login?code=${encodeURIComponent(CODE)}` })
  })

  test('another QR code is not taken for a login, and closing the camera does nothing', async () => {
    installWx({ 'GET /desk': fixture('desk') }, { member: coordinator })
    wx.scanCode.mockImplementation((o) => o.success({ result: 'tok-event-2' }))
    const page = await renderPage('station')
    await tap(page, '.console-login')
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '这不是工作台的登录二维码' }))
    wx.scanCode.mockImplementation((o) => o.fail({ errMsg: 'scanCode:fail cancel' }))
    await tap(page, '.console-login')
    expect(wx.navigateTo).not.toHaveBeenCalled()
  })

  test('确认登录 approves the login once and says the computer is now mine', async () => {
    const { calls } = installWx({ [`POST ${APPROVE}`]: { approved: true, approved_at: '2026-12-06T10:00:00+08:00', member_name: '赵敏' } },
      { member: coordinator })
    const page = await renderPage('station/console-login', { code: encodeURIComponent(CODE) })
    expect(text(page)).toContain('在电脑上登录服务站工作台？')
    await tap(page, '.confirm')
    expect(callsTo(calls, 'POST', APPROVE)).toHaveLength(1)
    expect(text(page)).toContain('已登录')
    expect(text(page)).toContain('赵敏')
    await tap(page, '.back')
    expect(callsTo(calls, 'POST', APPROVE)).toHaveLength(1)
    expect(wx.navigateBack).toHaveBeenCalled()
  })

  test('取消 sends nothing', async () => {
    const { calls } = installWx({}, { member: coordinator })
    const page = await renderPage('station/console-login', { code: encodeURIComponent(CODE) })
    await tap(page, '.cancel')
    expect(callsTo(calls, 'POST', APPROVE)).toHaveLength(0)
    expect(wx.navigateBack).toHaveBeenCalled()
  })

  test('an expired code: the server\'s reason is shown and the page stays to go back', async () => {
    const expired = { status: 422, body: { code: 422, status: 'Unprocessable Entity', message: '这个登录二维码已过期，请在电脑上刷新页面后重新扫码' } }
    installWx({ [`POST ${APPROVE}`]: expired }, { member: coordinator })
    const page = await renderPage('station/console-login', { code: encodeURIComponent(CODE) })
    await tap(page, '.confirm')
    expect(modalTexts().join()).toContain('已过期')
    expect(text(page)).not.toContain('已登录')
  })

  test('a page opened with something that is not a login code says so', async () => {
    installWx({}, { member: coordinator })
    const page = await renderPage('station/console-login', { code: 'nonsense' })
    expect(text(page)).toContain('这不是服务站工作台的登录二维码')
  })
})
