// 指派 and 签约服务机构: the station assigns a task to a volunteer or a provider, records a provider's
// visit and keeps the providers list; the volunteer assigned may decline; the household sees who is coming.
const { installWx, renderPage, renderComponent, text, tap, callsTo, fixture, modalTexts, answerDialogs } = require('./helpers')

const coordinator = fixture('me-coordinator')
const fx = fixture('providers')
const volunteersList = fixture('volunteers')

function assignRoutes(over = {}) {
  return Object.assign({
    'GET /tasks/1': fx.open_task,
    'GET /tasks/1/candidates': fx.candidates,
    'GET /volunteers': volunteersList,
    'GET /providers': fx.list,
    'POST /tasks/1/assign': (call) => ({
      ...fx.open_task, status: 'claimed', status_label: call.data.provider_id ? '服务机构已接单' : '志愿者已接单',
      provider: call.data.provider_id ? fx.list[0] : null,
    }),
  }, over)
}

describe('assign page (pages/station/assign/assign?task_id=)', () => {
  test('shows the task, matching\'s suggestions with why, other volunteers and the providers serving its category', async () => {
    installWx(assignRoutes(), { member: coordinator })
    const page = await renderPage('station/assign/assign', { task_id: '1' })
    const t = text(page)
    expect(t).toContain('老伴要去社区医院复查血压')
    expect(t).toContain('① 推荐的志愿者（2）')
    expect(t).toContain('孙丽')
    expect(t).toContain('服务意向含「医疗保健」')
    expect(t).toContain('其他在岗志愿者')
    expect(t).toContain('周文') // from the station's volunteer list, not suggested
    expect(t).toContain('安家居家养老服务中心')
    expect(t).toContain('提供：义务维修、医疗保健、帮困')
    expect(t).toContain('启明家政服务社')
    expect(t).toContain('不提供这类服务')
  })

  test('a provider is chosen, confirmed in words, and the assignment posts its id and the note', async () => {
    const { calls } = installWx(assignRoutes(), { member: coordinator })
    const page = await renderPage('station/assign/assign', { task_id: '1' })
    await tap(page, '.provider')
    page.instance.onNote({ detail: { value: '  老人耳背，请敲门大声些 ' } })
    await tap(page, '.assign')
    expect(modalTexts()[0]).toContain('指派给安家居家养老服务中心上门服务')
    expect(callsTo(calls, 'POST', '/tasks/1/assign')[0].data).toEqual({ provider_id: 1, note: '老人耳背，请敲门大声些' })
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已指派' }))
  })

  test('a volunteer is chosen from the suggestions; a provider not serving the category cannot be', async () => {
    const { calls } = installWx(assignRoutes(), { member: coordinator })
    const page = await renderPage('station/assign/assign', { task_id: '1' })
    page.instance.onPickProvider({ currentTarget: { dataset: { id: 2 } } })
    expect(page.instance.data.choice).toBe(null)
    expect(wx.showToast.mock.calls[0][0].title).toContain('不提供这类服务')
    await tap(page, '.volunteer')
    await tap(page, '.assign')
    expect(modalTexts()[0]).toContain('指派给志愿者孙丽')
    expect(callsTo(calls, 'POST', '/tasks/1/assign')[0].data).toEqual({ volunteer_id: 5 })
  })

  test('nothing chosen is not sent; the time left shows when the server gives the promise', async () => {
    const due = new Date(Date.now() + (5 * 60 + 30) * 60000).toISOString()
    const { calls } = installWx(assignRoutes({ 'GET /tasks/1': { ...fx.open_task, promise_due_at: due } }), { member: coordinator })
    const page = await renderPage('station/assign/assign', { task_id: '1' })
    expect(text(page)).toContain('离承诺的派人时间还剩5小时30分钟')
    await tap(page, '.assign')
    expect(callsTo(calls, 'POST', '/tasks/1/assign')).toHaveLength(0)
  })

  test('a task a provider took: the station records its visit for the family to confirm', async () => {
    const { calls } = installWx({
      'GET /tasks/7': fx.provider_task,
      'POST /tasks/7/provider-service': { task: { ...fx.provider_task, status: 'done' }, record: { id: 9 } },
    }, { member: coordinator })
    const page = await renderPage('station/assign/assign', { task_id: '7' })
    const t = text(page)
    expect(t).toContain('服务机构安家居家养老服务中心')
    expect(t).toContain('登记机构上门服务')
    expect(t).toContain('不给任何人记志愿时长')
    await tap(page, '.record-service') // no duration chosen yet
    expect(callsTo(calls, 'POST', '/tasks/7/provider-service')).toHaveLength(0)
    page.instance.onDuration({ currentTarget: { dataset: { minutes: 90 } } })
    await tap(page, '.record-service')
    const body = callsTo(calls, 'POST', '/tasks/7/provider-service')[0].data
    expect(body.started_at).toMatch(/T09:00:00\+08:00$/)
    expect(body.ended_at).toMatch(/T10:30:00\+08:00$/)
    expect(body.content).toBe('腰不好，请人帮忙擦窗户、换季收拾衣物')
  })

  test('a task already taken says so in the server\'s words', async () => {
    installWx({ 'GET /tasks/7': { ...fx.provider_task, status: 'credited', status_label: '服务已完成，已从存折扣除' } }, { member: coordinator })
    expect(text(await renderPage('station/assign/assign', { task_id: '7' }))).toContain('「服务已完成，已从存折扣除」，不需要指派')
  })
})

describe('providers page (pages/station/providers/providers)', () => {
  const routes = (over = {}) => Object.assign({ 'GET /providers': fx.list, 'GET /catalog': fixture('catalog') }, over)

  test('lists each provider with what it serves and whether it may be assigned', async () => {
    installWx(routes(), { member: coordinator })
    const t = text(await renderPage('station/providers/providers'))
    expect(t).toContain('安家居家养老服务中心')
    expect(t).toContain('● 服务中')
    expect(t).toContain('○ 已停用')
    expect(t).toContain('这里不记价格')
  })

  test('adds one with an idempotency key; checks the form first', async () => {
    const { calls } = installWx(routes({ 'POST /providers': fx.list[0] }), { member: coordinator })
    const page = await renderPage('station/providers/providers')
    await tap(page, '.add')
    await tap(page, '.save')
    expect(text(page)).toContain('请填写机构名称')
    expect(text(page)).toContain('请至少选择一个服务类别')
    page.instance.onInput({ currentTarget: { dataset: { field: 'name' } }, detail: { value: '福寿居家服务' } })
    page.instance.onInput({ currentTarget: { dataset: { field: 'phone' } }, detail: { value: '13912345678' } })
    await tap(page, '.category')
    await tap(page, '.save')
    const post = callsTo(calls, 'POST', '/providers')[0]
    expect(post.data).toEqual({ name: '福寿居家服务', contact_name: '', phone: '13912345678', category_ids: [1], active: true })
    expect(post.header['Idempotency-Key']).toMatch(/^provider-/)
  })

  test('edits one and shows the server\'s reason under the field (a name already used)', async () => {
    const { calls } = installWx(routes({
      'PATCH /providers/1': { status: 409, body: { code: 409, status: 'Conflict', message: '本社区已有名为「启明家政服务社」的签约服务机构', errors: { json: { name: ['本社区已有名为「启明家政服务社」的签约服务机构'] } } } },
    }), { member: coordinator })
    const page = await renderPage('station/providers/providers')
    await tap(page, '.edit')
    page.instance.onInput({ currentTarget: { dataset: { field: 'name' } }, detail: { value: '启明家政服务社' } })
    page.instance.onActive({ detail: { value: false } })
    await tap(page, '.save')
    expect(callsTo(calls, 'PATCH', '/providers/1')[0].data).toEqual({
      name: '启明家政服务社', contact_name: '何经理', phone: '13900001111', category_ids: [1, 4, 5], active: false })
    expect(text(page)).toContain('本社区已有名为「启明家政服务社」的签约服务机构')
  })
})

describe('an assigned volunteer (pages/tasks/detail)', () => {
  const assigned = { ...fixture('board').items[2], assigned_by_coordinator: true, assign_note: '您住得近，麻烦跑一趟', may_decline: true }

  test('sees 协调员指派给您 with the note, and may decline with a reason', async () => {
    const { calls } = installWx({
      'GET /tasks/43': assigned,
      'POST /tasks/43/decline': { ...assigned, status: 'open', claimed_by_me: false, may_decline: false },
    }, { member: fixture('me-volunteer') })
    const page = await renderPage('tasks/detail', { id: '43' })
    expect(text(page)).toContain('协调员指派给您')
    expect(text(page)).toContain('您住得近，麻烦跑一趟')
    answerDialogs('这周出差')
    await tap(page, '.decline')
    expect(callsTo(calls, 'POST', '/tasks/43/decline')[0].data).toEqual({ reason: '这周出差' })
  })

  test('a task I claimed myself has no decline button', async () => {
    installWx({ 'GET /tasks/43': fixture('board').items[2] }, { member: fixture('me-volunteer') })
    const page = await renderPage('tasks/detail', { id: '43' })
    expect(page.querySelector('.decline')).toBe(undefined)
    expect(text(page)).toContain('这是您接的任务')
  })
})

test('the household\'s payback request names the provider coming', async () => {
  installWx({
    'GET /payback-requests/eligibility': { eligible: true, reason: '', available_minutes: 2280, held_minutes: 120 },
    'GET /payback-requests': fx.payback_requests,
    'GET /catalog': fixture('catalog'),
    'GET /households/3': { ...fixture('household'), id: 3, members: [] },
  }, { member: { ...fixture('me-retired'), household_id: 3 } })
  const t = text(await renderPage('payback'))
  expect(t).toContain('上门机构安家居家养老服务中心 13900001111')
  expect(t).toContain('服务机构已接单')
})

test('the desk opens the assign page for an unclaimed task, and the providers list', async () => {
  installWx({ 'GET /desk': fixture('desk') }, { member: coordinator })
  const page = await renderPage('station')
  await tap(page, '.assign-unclaimed')
  expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/pages/station/assign/assign?task_id=${fixture('desk').unclaimed_tasks[0].id}` })
  expect(text(page)).toContain('签约机构')
})

test('a provider\'s record names the provider, not a volunteer, where the family confirms it', async () => {
  const record = { ...fixture('records').items[0], source: 'provider', volunteer_id: null, volunteer_name: null, provider_id: 1, provider_name: '安家居家养老服务中心' }
  const card = await renderComponent('record-card', { record })
  expect(text(card)).toContain('服务机构安家居家养老服务中心')
  expect(text(card)).not.toContain('志愿者')
})
