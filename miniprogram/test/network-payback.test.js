/** Priority payback served by a neighbouring community's volunteer (通存通兑): the form's switch, the request's
 * mark, and the board's 来自XX社区. */
const { installWx, renderPage, text, tap, callsTo, fixture, flush } = require('./helpers')

jest.setTimeout(30000) // rendering a form page is slow on a busy machine; the test waits for nothing else

const eligible = { eligible: true, reason: '您已因年龄退出服务，可以申请。', available_minutes: 750, held_minutes: 60 }
const opened = {
  id: 3, category_name: '医疗保健', item_name: '陪同就医', description: '去医院复查',
  window_start: '2026-12-01T08:30:00+08:00', window_end: '2026-12-01T11:00:00+08:00', estimated_minutes: 60,
  held_minutes: 60, status: 'open', status_label: '等待志愿者接单', open_to_network: true, network_label: '已向邻近社区开放',
}
const notYet = { ...opened, id: 5, item_name: '上门理发', open_to_network: false, network_label: '' }

function routes(over = {}) {
  return Object.assign({
    'GET /payback-requests/eligibility': { ...eligible, network_available: true },
    'GET /payback-requests': { items: [opened, notYet], next_cursor: null },
    'GET /catalog': fixture('catalog'),
    'GET /households/3': { ...fixture('household'), id: 3, members: [] },
    'POST /payback-requests': (c) => ({ id: 4, status: 'open', status_label: '等待志愿者接单', held_minutes: c.data.estimated_minutes }),
    'POST /requests/5/open-to-network': { ...notYet, open_to_network: true, network_label: '已向邻近社区开放' },
  }, over)
}
const retired = () => ({ ...fixture('me-retired'), household_id: 3 })

async function fillForm(page) {
  await tap(page, '.open-form')
  const form = page.querySelector('#need')
  const inst = page.instance.selectComponent('#need')
  await tap(form, '.cat')
  await tap(form, '.item')
  inst.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '帮忙修水龙头' } })
  inst.onDay({ detail: { value: '2099-12-01' } })
  inst.onStart({ detail: { value: '09:00' } })
  inst.onEnd({ detail: { value: '11:00' } })
  await flush()
}

describe('payback opened to the network (也请邻近社区的志愿者帮忙)', () => {
  test('in a network, the switch is offered and, turned on, the request asks the neighbours too', async () => {
    const { calls } = installWx(routes(), { member: retired() })
    const page = await renderPage('payback')
    await fillForm(page)
    expect(text(page)).toContain('也请邻近社区的志愿者帮忙')
    page.instance.onOpenToNetwork({ detail: { value: true } })
    await flush()
    await tap(page, '.submit')
    expect(wx.showModal.mock.calls[0][0].content).toContain('邻近社区的志愿者也能接单')
    expect(callsTo(calls, 'POST', '/payback-requests')[0].data.open_to_network).toBe(true)
  })

  test('left off, or with no network, the request stays the community\'s own', async () => {
    const { calls } = installWx(routes({ 'GET /payback-requests/eligibility': eligible }), { member: retired() })
    const page = await renderPage('payback')
    await fillForm(page)
    expect(page.querySelector('.open-to-network')).toBeFalsy()
    await tap(page, '.submit')
    expect(callsTo(calls, 'POST', '/payback-requests')[0].data).not.toHaveProperty('open_to_network')
  })

  test('a request opened to the network says so; an open one not yet opened can still be', async () => {
    const { calls } = installWx(routes(), { member: retired() })
    const page = await renderPage('payback')
    expect(text(page)).toContain('已向邻近社区开放')
    expect(page.querySelectorAll('.widen')).toHaveLength(1)
    await tap(page, '.widen')
    expect(callsTo(calls, 'POST', '/requests/5/open-to-network')).toHaveLength(1)
  })

  test('the board marks a task of another community with 来自XX社区; its own tasks carry no mark', async () => {
    const board = fixture('board')
    const items = board.items.map((t, i) => (i === 0
      ? { ...t, from_other_community: true, community_name: '和平里社区', open_to_network: true }
      : { ...t, from_other_community: false, community_name: '幸福苑社区' }))
    installWx({
      'GET /catalog': fixture('catalog'), 'GET /tasks': { ...board, items }, 'GET /notifications/unread-count': { unread: 0 },
    }, { member: fixture('me-volunteer') })
    const page = await renderPage('home')
    expect(text(page)).toContain('来自和平里社区')
    expect(text(page)).not.toContain('来自幸福苑社区')
  })

  test('a neighbour\'s offer reads 来自XX社区 in the inbox and opens the task page, which says it too', async () => {
    const offer = {
      id: 9, title: '有邻居需要您的帮助', urgent: true, read_at: null, created_at: '2026-12-01T07:30:00+08:00',
      body: '来自和平里社区，优先回馈·陪同就医：去医院复查。时间：12月1日（周二）上午8:30。地点：和平里社区3号楼。愿意帮忙的话，请打开爱心银行接单。',
      link: 'pages/tasks/detail?id=41',
    }
    installWx({
      'GET /notifications': { items: [offer], next_cursor: null }, 'POST /notifications/read': {},
      'GET /tasks/41': { ...fixture('board').items[0], from_other_community: true, community_name: '和平里社区' },
    }, { member: fixture('me-volunteer') })
    const inbox = await renderPage('inbox')
    expect(text(inbox)).toContain('来自和平里社区，优先回馈')
    await tap(inbox, '.msg')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/tasks/detail?id=41' })
    const page = await renderPage('tasks/detail', { id: '41' })
    expect(text(page)).toContain('来自和平里社区')
  })

  test('the task page shows 来自XX社区 too', async () => {
    installWx({ 'GET /tasks/41': { ...fixture('board').items[0], from_other_community: true, community_name: '和平里社区' } },
      { member: fixture('me-volunteer') })
    const page = await renderPage('tasks/detail', { id: '41' })
    expect(text(page)).toContain('来自和平里社区')
  })
})
