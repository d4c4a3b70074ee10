/**
 * 志愿者审核 in the mini-program: the applicant reads where the application stands and gets no
 * volunteer actions until it is approved; the station approves, or refuses with a reason.
 */

const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts, answerDialogs } = require('./helpers')
const { tabsFor } = require('../utils/tabs')
const labels = require('../utils/labels')

const pending = fixture('me-applicant')
const rejected = { ...pending, volunteer: { ...pending.volunteer, status: 'rejected', status_note: '请先到服务站面谈' } }
const approved = { ...pending, volunteer: { ...pending.volunteer, status: 'active' } }

describe('the applicant (审核中)', () => {
  test('home says the application waits, shows no board and no volunteer tiles', async () => {
    const { calls } = installWx({
      'GET /notifications/unread-count': { unread: 0 },
      'GET /me': pending,
    }, { member: pending })
    const page = await renderPage('home')
    const t = text(page)
    expect(t).toContain('审核中，请等待社区工作人员确认')
    expect(t).toContain('审核通过后，您就能接单、签到和记录服务了')
    expect(t).not.toContain('任务大厅')
    expect(t).not.toContain('我的任务')
    expect(t).not.toContain('集中活动')
    expect(t).toContain('志愿者申请')
    expect(callsTo(calls, 'GET', '/tasks')).toHaveLength(0)
  })

  test('once approved, home notices it by itself and opens the board', async () => {
    const { calls } = installWx({
      'GET /notifications/unread-count': { unread: 1 },
      'GET /me': approved,
      'GET /catalog': fixture('catalog'),
      'GET /tasks': fixture('board'),
    }, { member: pending })
    const page = await renderPage('home')
    const t = text(page)
    expect(t).not.toContain('审核中')
    expect(t).toContain('任务大厅')
    expect(t).toContain('我的任务')
    expect(callsTo(calls, 'GET', '/tasks')).toHaveLength(1)
  })

  test('a refused application shows the reason on home', async () => {
    installWx({ 'GET /notifications/unread-count': { unread: 0 }, 'GET /me': rejected }, { member: rejected })
    const page = await renderPage('home')
    const t = text(page)
    expect(t).toContain('志愿者申请没有通过')
    expect(t).toContain('原因：请先到服务站面谈')
    expect(t).not.toContain('任务大厅')
  })

  test('the tab bar has no 任务 while the application waits or after a refusal', () => {
    const keys = (v) => tabsFor(['resident', 'volunteer'], v).map((x) => x.text).join('/')
    expect(keys({ status: 'pending' })).toBe('首页/预约/存折/我的')
    expect(keys({ status: 'rejected' })).toBe('首页/预约/存折/我的')
    expect(keys({ status: 'active' })).toBe('首页/任务/预约/存折/我的')
    expect(keys({ status: 'retired' })).toBe('首页/任务/预约/存折/我的')
    expect(keys(undefined)).toBe('首页/任务/预约/存折/我的')
  })

  test('我的 lists the application, not tasks or stars', async () => {
    installWx({ 'GET /me': pending, 'GET /notifications/unread-count': { unread: 0 } }, { member: pending })
    const page = await renderPage('mine')
    const t = text(page)
    expect(t).toContain('审核中，请等待社区工作人员确认')
    expect(t).toContain('志愿者申请')
    expect(t).not.toContain('我的任务')
    expect(t).not.toContain('我的星级')
  })

  test('the volunteer page shows the state; the profile can still be corrected', async () => {
    const { calls } = installWx({
      'GET /catalog': fixture('catalog'),
      'GET /me': pending,
      [`GET /volunteers/${pending.volunteer.id}`]: fixture('volunteer-pending'),
      [`PATCH /volunteers/${pending.volunteer.id}`]: fixture('volunteer-pending'),
    }, { member: pending })
    const page = await renderPage('volunteer')
    const t = text(page)
    expect(t).toContain('审核中，请等待社区工作人员确认')
    expect(t).toContain('保存修改')
    await tap(page, '.submit')
    expect(callsTo(calls, 'PATCH', `/volunteers/${pending.volunteer.id}`)).toHaveLength(1)
    expect(callsTo(calls, 'POST', '/volunteers')).toHaveLength(0)
  })

  test('after a refusal the same form sends a new application', async () => {
    const refusedProfile = { ...fixture('volunteer-pending'), status: 'rejected', status_note: '请先到服务站面谈' }
    const { calls } = installWx({
      'GET /catalog': fixture('catalog'),
      'GET /me': rejected,
      [`GET /volunteers/${pending.volunteer.id}`]: refusedProfile,
      'POST /volunteers': { status: 201, body: fixture('volunteer-pending') },
    }, { member: rejected })
    const page = await renderPage('volunteer')
    const t = text(page)
    expect(t).toContain('原因：请先到服务站面谈')
    expect(t).toContain('重新提交申请')
    await tap(page, '.submit')
    const sent = callsTo(calls, 'POST', '/volunteers')
    expect(sent).toHaveLength(1)
    expect(sent[0].data.name).toBe('陈晓梅')
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '申请已提交' }))
  })

  test('an approved volunteer reads no application notice', () => {
    expect(labels.application(approved.volunteer)).toBeNull()
    expect(labels.application(null)).toBeNull()
  })
})

describe('the station (志愿者审核)', () => {
  const coordinator = fixture('me-coordinator')
  const application = fixture('applications').items[0]
  const routes = (over = {}) => Object.assign({
    'GET /desk': fixture('desk'),
    'GET /volunteers/applications': fixture('applications'),
    [`POST /volunteers/${application.id}/review`]: { ...application, status: 'active' },
  }, over)

  test('the desk lists applications with who applied and counts them', async () => {
    installWx(routes(), { member: coordinator })
    const page = await renderPage('station')
    const t = text(page)
    expect(t).toContain('⑥ 待审核的志愿者申请（1）')
    expect(t).toContain('陈晓梅')
    expect(t).toContain('社区医院药剂师')
    expect(t).toContain(application.phone)
    expect(t).toContain('有 8 件事要处理') // the desk fixture's request at risk and its two moves in count too
  })

  test('approving asks first, then posts the decision and reads the desk again', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('station')
    await tap(page, '.approve-volunteer')
    expect(modalTexts()[0]).toContain('陈晓梅通过后就能接单')
    expect(callsTo(calls, 'POST', `/volunteers/${application.id}/review`)[0].data).toEqual({ decision: 'approve' })
    expect(callsTo(calls, 'GET', '/volunteers/applications')).toHaveLength(2)
  })

  test('refusing needs a reason, which is sent for the applicant to read', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('station')
    answerDialogs('  ')
    await tap(page, '.reject-volunteer')
    expect(callsTo(calls, 'POST', `/volunteers/${application.id}/review`)).toHaveLength(0)
    answerDialogs('请先到服务站面谈')
    await tap(page, '.reject-volunteer')
    expect(callsTo(calls, 'POST', `/volunteers/${application.id}/review`)[0].data)
      .toEqual({ decision: 'reject', reason: '请先到服务站面谈' })
  })

  test('the desk still shows its work when the applications cannot be read', async () => {
    installWx(routes({ 'GET /volunteers/applications': { status: 500, body: { code: 500, message: '服务器出错了' } } }),
      { member: coordinator })
    const page = await renderPage('station')
    const t = text(page)
    expect(t).toContain('① 待审核的服务记录（2）')
    expect(t).toContain('⑥ 待审核的志愿者申请（0）')
  })
})
