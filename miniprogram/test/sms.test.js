const { installWx, renderPage, text, tap, callsTo, fixture, flush } = require('./helpers')

const resident = fixture('me-resident')
const on = fixture('sms')
const off = { ...on, enabled: false, phone: '', via: null, form_ref: '', consented_at: null, recorded_by_name: '', messages: [] }

describe('短信提醒 (my settings)', () => {
  test('off: the consent text, and turning it on needs the box ticked', async () => {
    const { calls } = installWx({ [`GET /members/${resident.id}/sms`]: off, [`PUT /members/${resident.id}/sms`]: on }, { member: resident })
    const page = await renderPage('privacy/sms')
    const t = text(page)
    expect(t).toContain('短信提醒：未开通')
    expect(t).toContain('老年机')
    expect(t).toContain('晚上10点到早上8点不发短信')
    await tap(page, '.turn-on')
    expect(callsTo(calls, 'PUT', `/members/${resident.id}/sms`)).toHaveLength(0)
    expect(text(page)).toContain('请先阅读上面的说明')
    page.instance.onAgree({ detail: { value: ['yes'] } })
    page.instance.setData({ phone: '137 0000 2222' })
    await tap(page, '.turn-on')
    const [put] = callsTo(calls, 'PUT', `/members/${resident.id}/sms`)
    expect(put.data).toEqual({ consent: true, via: 'app', phone: '13700002222' })
    expect(text(page)).toContain('短信提醒：已开通')
    expect(text(page)).toContain('发到 137****2222')
  })

  test('a wrong phone is refused before sending', async () => {
    const { calls } = installWx({ [`GET /members/${resident.id}/sms`]: off }, { member: resident })
    const page = await renderPage('privacy/sms')
    page.instance.onAgree({ detail: { value: ['yes'] } })
    page.instance.setData({ phone: '12345' })
    await tap(page, '.turn-on')
    expect(callsTo(calls, 'PUT', `/members/${resident.id}/sms`)).toHaveLength(0)
    expect(text(page)).toContain('手机号应是11位数字')
  })

  test('on: how it was agreed, the last texts with their status, and turning it off', async () => {
    const { calls } = installWx({ [`GET /members/${resident.id}/sms`]: on, [`DELETE /members/${resident.id}/sms`]: off }, { member: resident })
    wx.showModal = jest.fn((o) => o.success({ confirm: true }))
    const page = await renderPage('privacy/sms')
    const t = text(page)
    expect(t).toContain('在服务站签了纸质同意书')
    expect(t).toContain('见证码******')
    expect(t).toContain('已送达')
    expect(t).toContain('夜里不打扰，早上再发')
    await tap(page, '.turn-off')
    await flush()
    expect(callsTo(calls, 'DELETE', `/members/${resident.id}/sms`)).toHaveLength(1)
    expect(text(page)).toContain('短信提醒：未开通')
  })

  test('the household page shows who gets texts', async () => {
    const household = fixture('household')
    const members = household.members.map((m, i) => ({ ...m, sms_enabled: i === 0 }))
    installWx({ [`GET /households/${resident.household_id}`]: { ...household, members }, [`GET /households/${household.id}/moves`]: [], 'GET /communities': [] }, { member: resident })
    const page = await renderPage('household')
    expect(text(page)).toContain('已开通短信提醒')
  })
})
