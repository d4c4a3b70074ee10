const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts } = require('./helpers')

const routes = () => ({
  'GET /catalog': fixture('catalog'),
  'GET /tasks': fixture('board'),
  'GET /notifications/unread-count': { unread: 3 },
  'POST /tasks/41/claim': { ...fixture('board').items[0], status: 'claimed', status_label: '志愿者已接单', claimed_by_me: true },
})

describe('home page (任务大厅)', () => {
  test('a volunteer sees the board with 优先 on payback tasks and the unread count', async () => {
    installWx(routes(), { member: fixture('me-volunteer') })
    const page = await renderPage('home')
    const t = text(page)
    expect(t).toContain('李建国，您好')
    expect(t).toContain('3条未读')
    expect(t).toContain('陪张阿姨去社区医院复查')
    expect(t).toContain('★ 优先')
    expect(t).toContain('! 加急')
    expect(t).toContain('12月1日 周二 08:30–11:00')
    expect(t).toContain('约 2.0 小时')
    expect(t).toContain('这是您接的任务')
    expect(t).toContain('加载更多任务')
  })

  test('claiming asks first, then posts the claim and reloads the board', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-volunteer') })
    const page = await renderPage('home')
    await tap(page, '.claim')
    expect(wx.showModal.mock.calls[0][0].title).toBe('确认接单')
    expect(callsTo(calls, 'POST', '/tasks/41/claim')).toHaveLength(1)
    expect(callsTo(calls, 'GET', '/tasks')).toHaveLength(2)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '接单成功' }))
  })

  test('saying no in the dialog claims nothing', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-volunteer') })
    wx.showModal.mockImplementation((o) => o.success({ confirm: false, cancel: true }))
    const page = await renderPage('home')
    await tap(page, '.claim')
    expect(callsTo(calls, 'POST', '/tasks/41/claim')).toHaveLength(0)
  })

  test('a claim refused by the server shows its message', async () => {
    const r = routes()
    r['POST /tasks/41/claim'] = { status: 409, body: { code: 409, status: 'Conflict', message: '这个任务已经被别人接走了' } }
    installWx(r, { member: fixture('me-volunteer') })
    const page = await renderPage('home')
    await tap(page, '.claim')
    expect(modalTexts()).toContain('提示|这个任务已经被别人接走了')
  })

  test('filters go to the server as query parameters', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-volunteer') })
    const page = await renderPage('home')
    page.instance.onCategory({ detail: { value: 1 } })
    page.instance.onDate({ detail: { value: '2026-12-01' } })
    await new Promise((r) => setTimeout(r, 10))
    expect(callsTo(calls, 'GET', '/tasks').pop().query).toEqual({ category: 'repairs', date: '2026-12-01' })
  })

  test('more tasks are fetched with the cursor', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-volunteer') })
    const page = await renderPage('home')
    await tap(page, '.more')
    expect(callsTo(calls, 'GET', '/tasks').pop().query).toEqual({ cursor: 'c2' })
  })

  test('an empty board says so in words', async () => {
    const r = routes()
    r['GET /tasks'] = { items: [], next_cursor: null }
    installWx(r, { member: fixture('me-volunteer') })
    const page = await renderPage('home')
    expect(text(page)).toContain('现在没有可以接的任务')
  })

  test('a board that fails to load shows the error and a retry button', async () => {
    const r = routes()
    r['GET /tasks'] = { status: 500, body: { code: 500, status: 'Internal Server Error', message: '服务器忙，请稍后再试' } }
    installWx(r, { member: fixture('me-volunteer') })
    const page = await renderPage('home')
    expect(text(page)).toContain('服务器忙，请稍后再试')
    expect(text(page)).toContain('重新加载')
  })

  test('a resident gets shortcuts and no board; the tab bar fits the roles', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-resident') })
    const page = await renderPage('home')
    const t = text(page)
    expect(t).toContain('预约服务')
    expect(t).toContain('当志愿者')
    expect(t).not.toContain('任务大厅')
    expect(callsTo(calls, 'GET', '/tasks')).toHaveLength(0)
    expect(t).toContain('首页')
    expect(t).toContain('存折')
    expect(t).not.toContain('服务站')
  })
})
