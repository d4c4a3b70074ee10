// The pages a notification (in the inbox or a WeChat subscribe message) opens by its link.
const { installWx, renderPage, text, tap, callsTo, fixture } = require('./helpers')

const offer = { ...fixture('board').items[1], volunteer: null }

describe('task detail (pages/tasks/detail?id=)', () => {
  test('a volunteer claims the task from the message, after a plain-words confirmation', async () => {
    const { calls } = installWx({
      'GET /tasks/42': offer,
      'POST /tasks/42/claim': { ...offer, status: 'claimed', status_label: '志愿者已接单', claimed_by_me: true },
    }, { member: fixture('me-volunteer') })
    const page = await renderPage('tasks/detail', { id: '42' })
    expect(text(page)).toContain('洗衣机不脱水')
    await tap(page, '.claim')
    expect(wx.showModal.mock.calls[0][0].title).toBe('确认接单')
    expect(callsTo(calls, 'POST', '/tasks/42/claim')[0].data).toEqual({})
  })

  test('my own task points to 我的任务 and shows the phone; a held one says why it cannot be claimed', async () => {
    installWx({ 'GET /tasks/43': fixture('board').items[2] }, { member: fixture('me-volunteer') })
    const mine = await renderPage('tasks/detail', { id: '43' })
    expect(text(mine)).toContain('这是您接的任务')
    expect(text(mine)).toContain('13800000001')
    await tap(mine, '.go-mine')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/tasks/index' })
    installWx({ 'GET /tasks/42': { ...offer, held: true } }, { member: fixture('me-volunteer') })
    expect(text(await renderPage('tasks/detail', { id: '42' }))).toContain('正在等服务站审核')
  })

  test('a task that is gone shows the server message', async () => {
    installWx({}, { member: fixture('me-volunteer') })
    expect(text(await renderPage('tasks/detail', { id: '99' }))).toContain('找不到这条记录')
  })
})

describe('request and record links', () => {
  test('pages/requests/detail opens 我的求助 with that request first and marked', async () => {
    installWx({}, { member: fixture('me-resident') })
    await renderPage('requests/detail', { id: '10' })
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/requests/index?focus=10' })
    installWx({ 'GET /requests': fixture('requests'), 'GET /service-records': { items: [], next_cursor: null } }, { member: fixture('me-resident') })
    const page = await renderPage('requests', { focus: '10' })
    expect(page.instance.data.items[0]).toMatchObject({ id: 10, focused: true })
  })

  test('pages/records/confirm opens 我的求助 with that record first under 请您确认', async () => {
    installWx({}, { member: fixture('me-resident') })
    await renderPage('records/confirm', { id: '21' })
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/requests/index?record=21' })
    const other = { ...fixture('records').items[0], id: 20 }
    installWx({ 'GET /requests': { items: [], next_cursor: null }, 'GET /service-records': { items: [other, fixture('records').items[0]], next_cursor: null } }, { member: fixture('me-resident') })
    const page = await renderPage('requests', { record: '21' })
    expect(page.instance.data.toConfirm.map((r) => r.id)).toEqual([21, 20])
  })
})

describe('subscribe messages at the moment they matter', () => {
  test('after booking: asked in plain words, then WeChat is asked for the templates the server names', async () => {
    const { calls } = installWx({
      'GET /catalog': fixture('catalog'),
      'GET /households/1': fixture('household'),
      'POST /requests': fixture('requests').items[0],
      'GET /subscriptions': [
        { template_key: 'task_claimed', label: '我的求助有人接单时通知我', template_id: 'TPL-CLAIMED', credits: 0 },
        { template_key: 'witness_request', label: '需要我确认服务时通知我', template_id: 'TPL-WITNESS', credits: 0 },
      ],
      'POST /subscriptions': [],
    }, { member: fixture('me-resident') })
    wx.requestSubscribeMessage.mockImplementation((o) => o.success({ 'TPL-CLAIMED': 'accept', 'TPL-WITNESS': 'reject' }))
    const page = await renderPage('booking')
    const form = page.instance.selectComponent('#need')
    form.onCategory({ currentTarget: { dataset: { index: 0 } } })
    form.onItem({ currentTarget: { dataset: { index: 0 } } })
    form.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '洗衣机不脱水' } })
    form.onDay({ detail: { value: '2099-01-01' } })
    form.onStart({ detail: { value: '09:00' } })
    form.onEnd({ detail: { value: '11:00' } })
    form.onEstimate({ currentTarget: { dataset: { minutes: 60 } } })
    await page.instance.onSubmit()
    await new Promise((r) => setTimeout(r, 0))
    expect(wx.showModal.mock.calls[0][0].content).toBe('有志愿者接单时，要微信通知您吗？')
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['TPL-CLAIMED', 'TPL-WITNESS'])
    expect(callsTo(calls, 'POST', '/subscriptions')[0].data).toEqual({ results: { task_claimed: 'accept', witness_request: 'reject' } })
  })

  test('nothing configured on the server: nobody is asked', async () => {
    installWx({ 'GET /subscriptions': [{ template_key: 'task_claimed', label: '', template_id: null, credits: 0 }] })
    jest.resetModules() // a fresh module: no template ids remembered from the test before
    const notifications = require('../services/notifications')
    await expect(notifications.offerSubscribe('after_booking', '预约已提交', '…')).resolves.toEqual([])
    expect(wx.showModal).not.toHaveBeenCalled()
    expect(wx.requestSubscribeMessage).not.toHaveBeenCalled()
  })
})
