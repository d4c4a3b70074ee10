const { installWx, renderPage, text, tap, callsTo, fixture } = require('./helpers')

const claimed = { ...fixture('board').items[2] }
const started = { ...fixture('board').items[0], id: 44, status: 'in_progress', status_label: '服务中', claimed_by_me: true, recipient_name: '张桂芳', place: '5号楼1单元101' }

function routes(over = {}) {
  return Object.assign({
    'GET /tasks/mine': [claimed, started],
    'GET /service-records': { items: [{ ...fixture('records').items[0], volunteer_name: '李建国', source: 'self' }], next_cursor: null },
    'POST /tasks/43/check-in': { ...claimed, status: 'in_progress', status_label: '服务中' },
    'POST /tasks/43/release': { ...claimed, status: 'open', status_label: '等待志愿者接单' },
    'POST /tasks/44/check-out': { ...started, status: 'done', status_label: '服务已完成，待确认' },
  }, over)
}

describe('my tasks page (我的任务)', () => {
  test('lists my tasks with what to do next and the services I reported', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-volunteer') })
    const page = await renderPage('tasks')
    const t = text(page)
    expect(callsTo(calls, 'GET', '/service-records')[0].query).toEqual({ view: 'mine' })
    expect(t).toContain('到了，签到')
    expect(t).toContain('做完了，签退')
    expect(t).toContain('5号楼1单元101')
    expect(t).toContain('…待见证人确认')
    expect(t).toContain('任务')
  })

  test('check-in and check-out post to the task', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-volunteer') })
    const page = await renderPage('tasks')
    await tap(page, '.check-in')
    expect(callsTo(calls, 'POST', '/tasks/43/check-in')[0].data).toEqual({})
    await tap(page, '.check-out')
    expect(callsTo(calls, 'POST', '/tasks/44/check-out')).toHaveLength(1)
  })

  test('checked in and straight out: told the service is too short to count, no confirm code', async () => {
    const record = { ...fixture('records').items[0], id: 61, status: 'too_short', status_label: '不足30分钟，不计时', duration_minutes: 5 }
    const over = { 'POST /tasks/44/check-out': { task: { ...started, status: 'too_short', status_label: '不足30分钟，不计时' }, record } }
    installWx(routes(over), { member: fixture('me-volunteer') })
    const page = await renderPage('tasks')
    await tap(page, '.check-out')
    const said = wx.showModal.mock.calls.map((c) => c[0].content)
    expect(said).toContain('这次服务5分钟，不足30分钟，不计时。任务已结束。')
    expect(said.some((c) => c.indexOf('确认码') >= 0)).toBe(false)
  })

  test('a record too short to count says so in the server\'s words', async () => {
    const short = { ...fixture('records').items[0], status: 'too_short', status_label: '不足15分钟，不计时' }
    installWx(routes({ 'GET /service-records': { items: [short], next_cursor: null } }), { member: fixture('me-volunteer') })
    const page = await renderPage('tasks')
    expect(text(page)).toContain('不足15分钟，不计时')
    expect(text(page)).not.toContain('时间已存入')
  })

  test('QR check-in sends the scanned token', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-volunteer') })
    wx.scanCode.mockImplementation((o) => o.success({ result: 'tok-123' }))
    const page = await renderPage('tasks')
    await tap(page, '.scan-in')
    expect(callsTo(calls, 'POST', '/tasks/43/check-in')[0].data).toEqual({ token: 'tok-123' })
  })

  test('an illegal move shows the 409 message', async () => {
    installWx(routes({ 'POST /tasks/43/release': { status: 409, body: { code: 409, status: 'Conflict', message: '服务已经开始，不能放弃' } } }), { member: fixture('me-volunteer') })
    const page = await renderPage('tasks')
    await tap(page, '.release')
    expect(wx.showModal.mock.calls.map((c) => c[0].content)).toContain('服务已经开始，不能放弃')
  })

  test('nothing claimed yet: says where to find tasks', async () => {
    installWx(routes({ 'GET /tasks/mine': [], 'GET /service-records': { items: [], next_cursor: null } }), { member: fixture('me-volunteer') })
    const page = await renderPage('tasks')
    expect(text(page)).toContain('您还没有接任务')
  })

  test('offline shows the offline state', async () => {
    installWx(routes({ 'GET /tasks/mine': { offline: true } }), { member: fixture('me-volunteer') })
    const page = await renderPage('tasks')
    expect(text(page)).toContain('网络没有连上')
  })
})

describe('report page (登记自主服务)', () => {
  test('explains what is missing before sending', async () => {
    const { calls } = installWx({ 'GET /catalog': fixture('catalog') }, { member: fixture('me-volunteer') })
    const page = await renderPage('report')
    await tap(page, '.submit')
    const t = text(page)
    expect(t).toContain('请选择服务类别')
    expect(t).toContain('请填写见证人的姓名')
    expect(t).toContain('请填写见证人的11位手机号')
    expect(callsTo(calls, 'POST', '/service-records')).toHaveLength(0)
  })

  test('posts the record with the witness name and phone', async () => {
    const { calls } = installWx({ 'GET /catalog': fixture('catalog'), 'POST /service-records': { id: 30, status: 'reported' } }, { member: fixture('me-volunteer') })
    const page = await renderPage('report')
    const p = page.instance
    const input = (field, value) => p.onInput({ currentTarget: { dataset: { field } }, detail: { value } })
    p.onCategory({ detail: { value: 7 } })
    p.onItem({ detail: { value: 2 } })
    p.onDay({ detail: { value: '2026-01-05' } })
    p.onStart({ detail: { value: '08:00' } })
    p.onEnd({ detail: { value: '09:30' } })
    input('place', '3号楼楼道')
    input('content', '清理楼道杂物')
    input('witness_name', '王秀兰')
    input('witness_phone', '13800000001')
    await tap(page, '.submit')
    expect(callsTo(calls, 'POST', '/service-records')[0].data).toEqual({
      category_code: 'environment', item_code: 'litter_cleanup', place: '3号楼楼道',
      started_at: '2026-01-05T08:00:00+08:00', ended_at: '2026-01-05T09:30:00+08:00',
      content: '清理楼道杂物', witness_name: '王秀兰', witness_phone: '13800000001',
    })
    expect(wx.navigateBack).toHaveBeenCalled()
  })

  test('a menu that fails to load shows the error', async () => {
    installWx({ 'GET /catalog': { status: 500, body: { code: 500, status: 'x', message: '服务器忙' } } }, { member: fixture('me-volunteer') })
    const page = await renderPage('report')
    expect(text(page)).toContain('服务器忙')
  })
})
