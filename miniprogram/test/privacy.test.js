const { installWx, renderPage, text, tap, callsTo, fixture, flush, modalTexts } = require('./helpers')
const format = require('../utils/format')

const rights = fixture('data-rights')
const exported = fixture('me-export')
const resident = fixture('me-resident')

describe('privacy page: what is kept', () => {
  test('lists what is kept and my consents', async () => {
    installWx({ 'GET /me': { ...fixture('me-resident'), privacy_agreed: true } }, { member: fixture('me-resident') })
    const page = await renderPage('privacy')
    const t = text(page)
    expect(t).toContain('政治面貌、健康情况')
    expect(t).toContain('不能买卖')
    expect(t).toContain('未同意，不记录')
  })

  test('without /me it still lists what is kept', async () => {
    installWx({ 'GET /me': { status: 500, body: { code: 500, status: 'x', message: '服务器忙' } } }, { member: fixture('me-resident') })
    const page = await renderPage('privacy')
    expect(text(page)).toContain('我们保存您的哪些信息')
  })
})

describe('privacy page: my data (导出)', () => {
  test('export saves the file on the phone and says what it holds, section by section', async () => {
    const { calls, files } = installWx({ 'GET /me': resident, 'GET /me/export': exported }, { member: resident })
    const page = await renderPage('privacy')
    await tap(page, '.export')
    expect(callsTo(calls, 'GET', '/me/export')).toHaveLength(1)
    const path = `wxfile://usr/爱心银行个人数据-${format.today()}.json`
    expect(JSON.parse(files.get(path)).profile.name).toBe('王秀兰')
    const t = text(page)
    expect(t).toContain('✓ 已导出（11月29日 周日 16:35）')
    expect(t).toContain('个人信息王秀兰')
    expect(t).toContain('家庭王家')
    expect(t).toContain('我见证的服务18 条')
    expect(t).toContain('存折记录1 条')
    expect(t).toContain('没有记录的：志愿者档案、我做的服务、消息')
    await tap(page, '.view-data')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/privacy/data?file=${encodeURIComponent(path)}` })
    await tap(page, '.share-data')
    expect(wx.shareFileMessage.mock.calls[0][0]).toMatchObject({ filePath: path, fileName: `爱心银行个人数据-${format.today()}.json` })
  })

  test('an export the server refuses shows its message, and nothing is said to be exported', async () => {
    installWx({ 'GET /me': resident, 'GET /me/export': { status: 500, body: { code: 500, status: 'x', message: '服务器忙，请稍后再试' } } }, { member: resident })
    const page = await renderPage('privacy')
    await tap(page, '.export')
    expect(modalTexts()).toContain('提示|服务器忙，请稍后再试')
    expect(page.instance.data.exported).toBeNull()
    expect(page.instance.data.exporting).toBe(false)
  })

  test('the data page reads the saved file in plain words', async () => {
    const { files } = installWx({}, { member: resident })
    files.set('wxfile://usr/data.json', JSON.stringify(exported))
    const page = await renderPage('privacy/data', { file: encodeURIComponent('wxfile://usr/data.json') })
    const t = text(page)
    expect(t).toContain('姓名：王秀兰')
    expect(t).toContain('出生日期：1954年3月8日')
    expect(t).toContain('记录健康情况：没有同意')
    expect(t).toContain('公告里显示全名：不同意，只显示姓')
    expect(t).toContain('2026年11月23日 义务维修：李建国修理洗衣机排水，2.0 小时')
    expect(t).toContain('亲情转赠 +2.0 小时：李家转赠给王家')
    expect(t).toContain('我对公示提的异议（2 条）')
    await tap(page, '.share')
    expect(wx.shareFileMessage).toHaveBeenCalled()
  })

  test('the data page without its file says to export again', async () => {
    installWx({}, { member: resident })
    const page = await renderPage('privacy/data', { file: encodeURIComponent('wxfile://usr/gone.json') })
    expect(text(page)).toContain('文件已经不在手机上了')
  })
})

describe('privacy page: erasure (注销)', () => {
  test('first it says what is erased and what stays; then asks once more; then the token is gone', async () => {
    const { calls, storage } = installWx({ 'GET /me': resident, 'POST /me/erasure': rights.erasure }, { member: resident })
    storage.set('lb_dev_handle', 'resident')
    const page = await renderPage('privacy')
    expect(page.querySelector('.erase')).toBeFalsy()
    await tap(page, '.start-erase')
    const t = text(page)
    expect(t).toContain('注销后会删除')
    expect(t).toContain('家庭存折里的每一笔记录：时间不会丢')
    expect(t).toContain('已注销用户')
    expect(t).toContain('不能恢复')
    await tap(page, '.erase')
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '最后确认', confirmText: '确定注销' })
    expect(callsTo(calls, 'POST', '/me/erasure')[0].data).toEqual({ confirm: true })
    expect(storage.has('lb_token')).toBe(false)
    expect(storage.has('lb_member')).toBe(false)
    expect(storage.get('lb_dev_handle')).toBe('')
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  })

  test('saying no at the last step sends nothing', async () => {
    const { calls } = installWx({ 'GET /me': resident }, { member: resident })
    wx.showModal.mockImplementation((o) => o.success({ confirm: false, cancel: true }))
    const page = await renderPage('privacy')
    await tap(page, '.start-erase')
    await tap(page, '.erase')
    expect(callsTo(calls, 'POST', '/me/erasure')).toHaveLength(0)
    await tap(page, '.keep-account')
    expect(page.querySelector('.erase')).toBeFalsy()
  })

  test('a refused erasure keeps me logged in and shows why', async () => {
    const { storage } = installWx({ 'GET /me': resident, 'POST /me/erasure': rights.erasure_refused }, { member: resident })
    const page = await renderPage('privacy')
    await tap(page, '.start-erase')
    await tap(page, '.erase')
    expect(modalTexts().pop()).toBe('提示|提交的内容有误：confirm 请确认注销：注销后不能恢复')
    expect(storage.get('lb_token')).toBe('test-token')
    expect(wx.reLaunch).not.toHaveBeenCalled()
  })
})

describe('privacy page: health needs for residents who are not volunteers', () => {
  test('switch on, write, save: PATCH /me with the consent and the needs', async () => {
    const { calls } = installWx({ 'GET /me': resident, 'PATCH /me': rights.me_health }, { member: resident })
    const page = await renderPage('privacy')
    expect(text(page)).toContain('现在：未同意，不记录')
    page.instance.onHealthConsent({ detail: { value: true } })
    await flush()
    expect(text(page)).toContain('（改了还没保存）')
    page.instance.onInput({ currentTarget: { dataset: { field: 'health.needs' } }, detail: { value: '腿脚不便，上下楼需要搀扶' } })
    await tap(page, '.save-health')
    expect(callsTo(calls, 'PATCH', '/me')[0].data).toEqual({ consent_health: true, health_needs: '腿脚不便，上下楼需要搀扶' })
    expect(text(page)).toContain('已同意，正在记录')
  })

  test('switching off what was recorded asks first, then erases it', async () => {
    const { calls } = installWx({ 'GET /me': rights.me_health, 'PATCH /me': resident }, { member: resident })
    const page = await renderPage('privacy')
    page.instance.onHealthConsent({ detail: { value: false } })
    await tap(page, '.save-health')
    expect(wx.showModal.mock.calls[0][0].content).toContain('已经记录的健康情况会删除')
    expect(callsTo(calls, 'PATCH', '/me')[0].data).toEqual({ consent_health: false })
  })

  test('a volunteer sets it in the profile instead', async () => {
    installWx({ 'GET /me': fixture('me-volunteer') }, { member: fixture('me-volunteer') })
    const page = await renderPage('privacy')
    expect(page.querySelector('.save-health')).toBeFalsy()
    await tap(page, '.change')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/volunteer/index' })
  })
})
