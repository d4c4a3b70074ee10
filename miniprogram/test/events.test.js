const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts } = require('./helpers')
const { next16th } = require('../utils/event')

const volunteer = fixture('me-volunteer')
const coordinator = fixture('me-coordinator')
const [full, past] = fixture('events').items
const open = { ...full, signed: 12, waitlisted: 0, my_status: null }

describe('events list (集中活动)', () => {
  test('shows when, where, how full and where I stand, in words', async () => {
    const { calls } = installWx({ 'GET /events': fixture('events'), 'GET /catalog': fixture('catalog') }, { member: volunteer })
    const page = await renderPage('events')
    expect(callsTo(calls, 'GET', '/events')[0].query.limit).toBe('100') // one page of the paged list
    const t = text(page)
    expect(t).toContain('12月16日集中服务')
    expect(t).toContain('已报名 20/20 人，候补 2 人，名额已满')
    expect(t).toContain('… 您在候补名单上')
    expect(t).toContain('✓ 您已签到')
    expect(t).toContain('○报名中')
    expect(t).toContain('✓已结束，时间已记入')
    expect(t).toContain('扫码签到')
    expect(t).not.toContain('发起活动')
  })

  test('a volunteer scans the station\'s code to check in', async () => {
    const { calls } = installWx({ 'GET /events': fixture('events'), 'GET /catalog': fixture('catalog'), 'POST /events/check-in': { event_id: 2, status: 'signed', checked_in_at: '2026-12-16T09:02:00+08:00' } }, { member: volunteer })
    wx.scanCode.mockImplementation((o) => o.success({ result: 'tok-event-2' }))
    const page = await renderPage('events')
    await tap(page, '.scan')
    expect(callsTo(calls, 'POST', '/events/check-in')[0].data).toEqual({ token: 'tok-event-2' })
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '签到成功' }))
  })

  test('the station creates activities; empty and offline states', async () => {
    installWx({ 'GET /events': { items: [], next_cursor: null }, 'GET /catalog': fixture('catalog') }, { member: coordinator })
    const page = await renderPage('events')
    expect(text(page)).toContain('发起活动')
    expect(text(page)).toContain('还没有活动')
    installWx({ 'GET /events': { offline: true } }, { member: coordinator })
    expect(text(await renderPage('events'))).toContain('网络没有连上')
  })
})

describe('event detail (活动详情)', () => {
  test('a volunteer signs up; a full activity says it is the waitlist', async () => {
    let state = open
    const { calls } = installWx({
      'GET /events/2': () => state,
      'GET /catalog': fixture('catalog'),
      'POST /events/2/signup': () => {
        state = { ...open, signed: 13, my_status: 'signed' }
        return { event_id: 2, status: 'signed', checked_in_at: null }
      },
    }, { member: volunteer })
    const page = await renderPage('events/detail', { id: '2' })
    expect(text(page)).toContain('环境保护、医疗保健')
    expect(text(page)).toContain('还剩 8 个名额')
    await tap(page, '.signup')
    expect(callsTo(calls, 'POST', '/events/2/signup')).toHaveLength(1)
    expect(text(page)).toContain('✓ 您已报名')
    expect(page.querySelector('.scan')).toBeTruthy()

    installWx({ 'GET /events/2': { ...full, my_status: null }, 'GET /catalog': fixture('catalog') }, { member: volunteer })
    const fullPage = await renderPage('events/detail', { id: '2' })
    expect(text(fullPage)).toContain('名额已满，加入候补')
  })

  test('on the waitlist a volunteer can cancel (DELETE the sign-up)', async () => {
    const { calls } = installWx({ 'GET /events/2': full, 'GET /catalog': fixture('catalog'), 'DELETE /events/2/signup': { status: 204, body: '' } }, { member: volunteer })
    const page = await renderPage('events/detail', { id: '2' })
    expect(text(page)).toContain('您在候补名单上')
    await tap(page, '.withdraw')
    expect(callsTo(calls, 'DELETE', '/events/2/signup')).toHaveLength(1)
  })

  test('the station shows the check-in code and closes the activity, crediting the attendees', async () => {
    const { calls } = installWx({
      'GET /events/2': open, 'GET /catalog': fixture('catalog'),
      'POST /events/2/close': { event_id: 2, credited_now: 11, attended: 11 },
    }, { member: coordinator })
    const page = await renderPage('events/detail', { id: '2' })
    expect(page.querySelector('.signup')).toBeFalsy()
    await tap(page, '.show-qr')
    expect(wx.navigateTo.mock.calls[0][0].url).toMatch(/^\/pages\/qr\/index\?kind=event&id=2&about=/)
    await tap(page, '.close')
    expect(modalTexts()[0]).toContain('每位已签到的志愿者按实际时长记入（从开始或签到时起到现在，最多 2.0 小时）')
    expect(callsTo(calls, 'POST', '/events/2/close')).toHaveLength(1)
    expect(text(page)).toContain('11 人签到，这次为 11 人按实际时长记入了时间（最多 2.0 小时）')
  })

  test('closing before the start is refused with the server\'s reason', async () => {
    const refused = { status: 409, body: { code: 409, status: 'Conflict', message: '活动12月16日9:00才开始，开始之前不能结束活动、记时间', errors: { rule: 'event_not_started' } } }
    installWx({ 'GET /events/2': open, 'GET /catalog': fixture('catalog'), 'POST /events/2/close': refused }, { member: coordinator })
    const page = await renderPage('events/detail', { id: '2' })
    await tap(page, '.close')
    expect(modalTexts()).toContain('提示|活动12月16日9:00才开始，开始之前不能结束活动、记时间')
    expect(text(page)).not.toContain('活动已结束')
  })

  test('a closed activity offers nothing to do; an error shows the message', async () => {
    installWx({ 'GET /events/1': past, 'GET /catalog': fixture('catalog') }, { member: volunteer })
    const page = await renderPage('events/detail', { id: '1' })
    expect(page.querySelector('.signup')).toBeFalsy()
    expect(text(page)).toContain('✓ 您已签到')
    installWx({ 'GET /events/1': { status: 404, body: { code: 404, status: 'Not Found', message: '找不到这个活动' } } }, { member: volunteer })
    expect(text(await renderPage('events/detail', { id: '1' }))).toContain('找不到这个活动')
  })
})

describe('event form (发起活动)', () => {
  test('the 16th is the default day', () => {
    expect(next16th('2026-11-29')).toBe('2026-12-16')
    expect(next16th('2026-12-20')).toBe('2027-01-16')
    expect(next16th('2026-12-03')).toBe('2026-12-16')
  })

  test('sends title, start, place, services, places and length', async () => {
    const { calls } = installWx({ 'GET /catalog': fixture('catalog'), 'POST /events': { ...open, id: 7 } }, { member: coordinator })
    const page = await renderPage('events/form')
    const p = page.instance
    expect(p.data.title).toMatch(/^\d+月16日集中服务$/)
    p.onDay({ detail: { value: '2099-12-16' } })
    p.onInput({ currentTarget: { dataset: { field: 'place' } }, detail: { value: '社区广场' } })
    p.onCategory({ currentTarget: { dataset: { index: 7 } } })
    p.onLength({ currentTarget: { dataset: { minutes: 90 } } })
    p.onInput({ currentTarget: { dataset: { field: 'capacity' } }, detail: { value: '30' } })
    await p.onSubmit()
    expect(callsTo(calls, 'POST', '/events')[0].data).toEqual({
      title: p.data.title, starts_at: '2099-12-16T09:00:00+08:00', place: '社区广场',
      category_codes: ['environment'], capacity: 30, planned_minutes: 90,
    })
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/events/detail?id=7' })
  })

  test('explains what is missing', async () => {
    const { calls } = installWx({ 'GET /catalog': fixture('catalog') }, { member: coordinator })
    const page = await renderPage('events/form')
    page.instance.onInput({ currentTarget: { dataset: { field: 'capacity' } }, detail: { value: '0' } })
    await tap(page, '.submit')
    expect(text(page)).toContain('请填写集合地点')
    expect(text(page)).toContain('请至少选一类服务')
    expect(text(page)).toContain('名额请填 1 到 500 的整数')
    expect(callsTo(calls, 'POST', '/events')).toHaveLength(0)
  })
})
