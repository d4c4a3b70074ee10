const { installWx, flush, callsTo, fixture, modalTexts } = require('./helpers')
const api = require('../api/request')
const format = require('../utils/format')
const { tabsFor } = require('../utils/tabs')
const labels = require('../utils/labels')

const expired = { status: 401, body: { code: 401, status: 'Unauthorized', message: '请重新登录' } }

describe('request wrapper', () => {
  test('sends the token to the development base URL and resolves with the body', async () => {
    const { calls } = installWx({ 'GET /me': fixture('me-resident') })
    const me = await api.get('/me')
    expect(me.name).toBe('王秀兰')
    expect(wx.request.mock.calls[0][0].url).toBe('http://127.0.0.1:8000/api/v1/me')
    expect(calls[0].header.Authorization).toBe('Bearer test-token')
  })

  test('on 401 it logs in again once (dev login with the remembered handle) and repeats the call', async () => {
    let n = 0
    const { calls, storage } = installWx({
      'GET /me': () => (n++ === 0 ? expired : fixture('me-resident')),
      'POST /auth/dev-login': { token: 'fresh', expires_in: 1, member: fixture('me-resident') },
    })
    storage.set('lb_dev_handle', 'resident')
    const me = await api.get('/me')
    expect(me.name).toBe('王秀兰')
    expect(callsTo(calls, 'POST', '/auth/dev-login')[0].data).toEqual({ handle: 'resident' })
    expect(callsTo(calls, 'GET', '/me')[1].header.Authorization).toBe('Bearer fresh')
    expect(wx.reLaunch).not.toHaveBeenCalled()
  })

  test('without a dev handle it logs in again through WeChat', async () => {
    let n = 0
    const { calls } = installWx({
      'GET /me': () => (n++ === 0 ? expired : fixture('me-resident')),
      'POST /auth/wechat': { token: 'fresh', expires_in: 1, member: fixture('me-resident') },
    })
    await api.get('/me')
    expect(callsTo(calls, 'POST', '/auth/wechat')[0].data).toEqual({ code: 'wx-code-1' })
  })

  test('a second 401 goes to the login page, without a loop', async () => {
    const { calls, storage } = installWx({
      'GET /me': expired,
      'POST /auth/wechat': { token: 'fresh', expires_in: 1, member: fixture('me-resident') },
    })
    await expect(api.get('/me')).rejects.toMatchObject({ status: 401 })
    expect(callsTo(calls, 'GET', '/me')).toHaveLength(2)
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
    expect(storage.has('lb_token')).toBe(false)
  })

  test('a failed re-login also ends on the login page', async () => {
    installWx({ 'GET /me': expired, 'POST /auth/wechat': expired })
    await expect(api.get('/me')).rejects.toMatchObject({ status: 401 })
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
  })

  test('a download carries the token, resolves with the file on the phone, and logs in again on 401 like any call', async () => {
    let n = 0
    const { calls, storage, files } = installWx({
      'GET /audits/1/report': () => (n++ === 0 ? expired : '%PDF-1.4 report'),
      'POST /auth/dev-login': { token: 'fresh', expires_in: 1, member: fixture('me-coordinator') },
    })
    storage.set('lb_dev_handle', 'coordinator')
    const filePath = await api.download('/audits/1/report', { format: 'pdf' })
    expect(files.get(filePath)).toBe('%PDF-1.4 report')
    const tries = callsTo(calls, 'GET', '/audits/1/report')
    expect(tries.map((c) => c.header.Authorization)).toEqual(['Bearer test-token', 'Bearer fresh'])
    expect(tries[0].query).toEqual({ format: 'pdf' })
  })

  test('a refused download shows the message from its JSON body; offline says so in plain words', async () => {
    installWx({ 'GET /star-awards/9/certificate': { status: 404, body: { code: 404, status: 'Not Found', message: '这项评定还没有证书' } } })
    await expect(api.download('/star-awards/9/certificate')).rejects.toMatchObject({ status: 404, message: '这项评定还没有证书' })
    expect(modalTexts()).toEqual(['提示|这项评定还没有证书'])
    installWx({ 'GET /star-awards/9/certificate': { offline: true } })
    await expect(api.download('/star-awards/9/certificate', null, { quiet: true })).rejects.toMatchObject({ offline: true, message: api.OFFLINE_MESSAGE })
    expect(wx.showModal).not.toHaveBeenCalled()
  })

  test('errors show the server message as is; 422 field reasons are available', async () => {
    installWx({ 'PATCH /me': { status: 422, body: { code: 422, status: 'Unprocessable Entity', message: '提交的内容有误', errors: { json: { phone: ['请填写11位手机号'] } } } } })
    const err = await api.patch('/me', { phone: '1' }).catch((e) => e)
    expect(err.fieldErrors()).toEqual({ phone: '请填写11位手机号' })
    expect(modalTexts()).toEqual(['提示|提交的内容有误'])
  })

  test('quiet calls leave the showing to the page', async () => {
    installWx({ 'GET /me': { status: 500, body: { code: 500, status: 'x', message: '服务器忙' } } })
    await expect(api.get('/me', null, { quiet: true })).rejects.toMatchObject({ message: '服务器忙' })
    expect(wx.showModal).not.toHaveBeenCalled()
  })

  test('offline and timeouts get friendly Chinese words', async () => {
    installWx({ 'GET /a': { offline: true }, 'GET /b': { offline: true, timeout: true } })
    await expect(api.get('/a')).rejects.toMatchObject({ offline: true, message: api.OFFLINE_MESSAGE })
    await expect(api.get('/b')).rejects.toMatchObject({ offline: true, message: api.TIMEOUT_MESSAGE })
    await flush()
    expect(modalTexts()).toEqual([`提示|${api.OFFLINE_MESSAGE}`, `提示|${api.TIMEOUT_MESSAGE}`])
  })

  test('query strings skip empty values', () => {
    expect(api.query({ category: 'repairs', team: '', date: null, cursor: 'a b' })).toBe('?category=repairs&cursor=a%20b')
  })
})

describe('utils', () => {
  test('minutes are shown as hours with one decimal', () => {
    expect(format.hours(90)).toBe('1.5 小时')
    expect(format.hours(0)).toBe('0.0 小时')
    expect(format.signedHours(-30)).toBe('-0.5')
    expect(format.signedHours(125)).toBe('+2.1')
  })

  test('API times are read as the community writes them (+08:00)', () => {
    expect(format.dateTime('2026-11-29T14:30:00+08:00')).toBe('11月29日 周日 14:30')
    expect(format.windowText('2026-12-01T08:30:00+08:00', '2026-12-02T11:00:00+08:00')).toBe('12月1日 周二 08:30–12月2日 周三 11:00')
    expect(format.toApiDateTime('2026-12-01', '09:00')).toBe('2026-12-01T09:00:00+08:00')
    expect(format.today(Date.UTC(2026, 10, 29, 17, 0))).toBe('2026-11-30')
  })

  test('masking', () => {
    expect(format.maskPhone('13800000001')).toBe('138****0001')
    expect(format.maskName('王秀兰')).toBe('王**')
  })

  test('tabs fit the roles', () => {
    const keys = (roles) => tabsFor(roles).map((t) => t.text).join('/')
    expect(keys(['resident'])).toBe('首页/预约/存折/我的')
    expect(keys(['resident', 'volunteer'])).toBe('首页/任务/预约/存折/我的')
    expect(keys(['coordinator'])).toBe('首页/服务站/我的')
  })

  test('an unknown status still shows words', () => {
    expect(labels.status(labels.REQUEST_STATUS, 'weird').text).toBe('weird')
  })
})
