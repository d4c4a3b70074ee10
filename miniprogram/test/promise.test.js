/**
 * 回报有保障 in the mini-program: the payback page shows each request's promise in the server's words, whom it
 * named and who is coming; the form is filled with defaults (three taps) and may name a preferred volunteer;
 * the station desk lists the requests at risk with 去指派; a task card says the elder named me.
 */

const { installWx, renderPage, renderComponent, text, tap, callsTo, fixture, flush } = require('./helpers')

const fx = fixture('payback')
const household = { ...fx.resident, available_minutes: 600 }
const waiting = {
  ...fixture('requests').items[0], id: 7, task_id: 51, payback: true, status: 'open', status_label: '等待志愿者接单',
  volunteer: null, held_minutes: 60, item_name: '陪伴聊天', category_name: '帮困',
  promise_due_at: '2026-12-01T10:00:00+08:00', promise_minutes_left: 300, promise_label: '还剩 5 小时', promise_state: 'at_risk',
  coming: null, preferred_volunteer: { id: 3, name: '李建国' }, preferred_until: '2026-11-29T14:00:00+08:00',
}
const byProvider = {
  ...waiting, id: 8, task_id: 52, status: 'claimed', status_label: '志愿者已接单', promise_label: '已安排服务人',
  promise_state: 'assigned', preferred_volunteer: null, coming: { kind: 'provider', id: 2, name: '安康护理', label: '服务机构：安康护理' },
}

function asResident(over = {}) {
  return installWx(Object.assign({
    'GET /payback-requests/eligibility': household,
    'GET /payback-requests': { items: [waiting, byProvider], next_cursor: null },
    'GET /catalog': fixture('catalog'),
    'GET /households/1': fixture('household'),
    'POST /payback-requests': (c) => ({ ...waiting, id: 9, estimated_minutes: c.data.estimated_minutes }),
  }, over), { member: fixture('me-resident') })
}

describe('payback requests carry their promise (回报有保障)', () => {
  test('a request shows the promise in the server\'s words, whom it named, and who is coming', async () => {
    asResident()
    const page = await renderPage('payback')
    const t = text(page)
    expect(t).toContain('还剩 5 小时')
    expect(t).toContain('李建国') // 指定
    expect(t).toContain('已安排服务人')
    expect(t).toContain('服务机构：安康护理')
    const promises = page.querySelectorAll('.promise')
    expect(promises.map((p) => p.dom.className.indexOf('promise-at_risk') >= 0)).toEqual([true, false])
  })

  test('为TA申请 → 提交申请 → 确认申请 sends a request filled with defaults, naming nobody', async () => {
    const { calls } = asResident()
    const page = await renderPage('payback')
    let taps = 0
    const press = async (el) => { taps += 1; el.dispatchEvent('tap'); await flush() }
    await press(page.querySelectorAll('.apply-for')[0]) // 王德顺
    expect(text(page)).toContain('提交后将冻结 1.0 小时')
    await press(page.querySelector('.submit'))
    taps += wx.showModal.mock.calls.length
    expect(taps).toBeLessThanOrEqual(3)
    const [sent] = callsTo(calls, 'POST', '/payback-requests')
    expect(sent.data).toMatchObject({ category_code: 'hardship', item_code: 'companionship', estimated_minutes: 60, for_member_id: 2 })
    expect(sent.data.window_start).toMatch(/T09:00:00\+08:00$/)
    expect(sent.data.window_end).toMatch(/T11:00:00\+08:00$/)
    expect(sent.data.description.length).toBeGreaterThanOrEqual(4)
    expect(sent.data.preferred_volunteer_id).toBeUndefined()
  })

  test('the household may name a volunteer who served it: the chip sends preferred_volunteer_id', async () => {
    const { calls } = asResident()
    const page = await renderPage('payback')
    await tap(page, '.apply-for')
    expect(text(page)).toContain('指定服务人（可以不选）')
    const picks = page.querySelectorAll('.pick')
    expect(picks.map((p) => text(p))).toEqual(['✓ 不指定', '李建国（来过2次）'])
    picks[1].dispatchEvent('tap')
    await flush()
    await tap(page, '.submit')
    expect(wx.showModal.mock.calls[0][0].content).toContain('会先请李建国来')
    expect(callsTo(calls, 'POST', '/payback-requests')[0].data.preferred_volunteer_id).toBe(3)
  })

  test('no one served the household yet: no chooser to puzzle over', async () => {
    asResident({ 'GET /payback-requests/eligibility': { ...household, preferred_candidates: [] } })
    const page = await renderPage('payback')
    await tap(page, '.apply-for')
    expect(page.querySelector('.preferred')).toBeFalsy()
  })
})

describe('the station desk lists promises at risk', () => {
  test('each at-risk request with its time left and 去指派 to the assign page', async () => {
    installWx({ 'GET /desk': fixture('desk') }, { member: fixture('me-coordinator') })
    const page = await renderPage('station')
    const t = text(page)
    expect(t).toContain('优先回馈：离承诺不到12小时还没人（1）')
    expect(t).toContain('陪王奶奶去菜场买菜')
    expect(t).toContain('还剩 5 小时')
    await tap(page, '.assign')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/station/assign/assign?task_id=48' })
  })

  test('none at risk: no section', async () => {
    installWx({ 'GET /desk': { ...fixture('desk'), payback_at_risk: [] } }, { member: fixture('me-coordinator') })
    const page = await renderPage('station')
    expect(text(page)).not.toContain('离承诺')
    expect(page.querySelector('.assign')).toBeFalsy()
  })
})

describe('task card', () => {
  beforeEach(() => installWx())

  test('a task the elder reserved for me says so, with the promise', async () => {
    const comp = await renderComponent('task-card', { task: fixture('board').items[0] })
    const t = text(comp)
    expect(t).toContain('老人指定请您来')
    expect(t).toContain('还剩 46 小时')
  })

  test('who is coming, once someone is', async () => {
    const task = { ...fixture('board').items[0], reserved_for_me: false, status: 'claimed', promise_label: '已安排服务人',
      promise_state: 'assigned', coming: { kind: 'provider', id: 2, name: '安康护理', label: '服务机构：安康护理' } }
    const comp = await renderComponent('task-card', { task })
    expect(text(comp)).toContain('服务机构：安康护理')
    expect(text(comp)).not.toContain('老人指定')
  })
})

describe('task detail for a reserved task', () => {
  const reserved = fixture('board').items[0] // reserved for me (fixtures/board.json)

  test('the volunteer the elder named may claim it, or pass it on at once', async () => {
    const { calls } = installWx({
      'GET /tasks/41': reserved,
      'POST /tasks/41/pass': { ...reserved, reserved_for_me: false, reserved_until: null },
    }, { member: fixture('me-volunteer') })
    const page = await renderPage('tasks/detail', { id: '41' })
    expect(text(page)).toContain('老人指定请您来')
    expect(page.querySelector('.claim')).toBeTruthy()
    await tap(page, '.pass')
    expect(wx.showModal.mock.calls[0][0].title).toBe('不方便去')
    expect(callsTo(calls, 'POST', '/tasks/41/pass')[0].data).toEqual({})
  })

  test('another volunteer is told until when it waits for the named one, with nothing to tap', async () => {
    installWx({ 'GET /tasks/41': { ...reserved, reserved_for_me: false } }, { member: fixture('me-volunteer') })
    const page = await renderPage('tasks/detail', { id: '41' })
    expect(text(page)).toContain('老人指定了服务人，11月29日')
    expect(page.querySelector('.claim')).toBeFalsy()
    expect(page.querySelector('.pass')).toBeFalsy()
  })
})
