/**
 * End to end: the pages and the request wrapper against the live API (python -m server.run:
 * SQLite, Redis, worker), with wx.request carried over real HTTP. The flows that need the
 * task board, passbook and payback endpoints run as soon as the API serves them.
 */

const live = require('./live-api')
const { installWx, renderPage, text, callsTo } = require('./helpers')
const format = require('../utils/format')

jest.setTimeout(120000)

let api = null
const describeLive = live.available() ? describe : describe.skip

async function until(cond, what, ms = 15000) {
  const end = Date.now() + ms
  for (;;) {
    const v = cond()
    if (v) return v
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Log in as a demo member the way a person does in development: the login page's list. */
async function loginAs(handle) {
  const net = installWx({}, { server: api.origin, token: null })
  const page = await renderPage('login')
  await until(() => page.instance.data.demos.length, 'the demo list')
  page.instance.onDemo({ currentTarget: { dataset: { handle } } })
  await until(() => wx.reLaunch.mock.calls.length, `${handle} to be logged in`)
  return net
}

async function ready(page) {
  await until(() => page.instance.data.state !== 'loading', 'the page to load')
  expect(page.instance.data.stateText).toBe('')
  return page
}

function tomorrow() {
  return format.today(Date.now() + 24 * 3600 * 1000)
}

function has(prefix) {
  return api && api.paths.some((p) => p.startsWith(prefix))
}

describeLive('mini-program against the live API', () => {
  beforeAll(async () => {
    api = await live.start()
  })
  afterAll(async () => {
    if (api) await api.stop()
  })

  test('a resident logs in from the demo list and the privacy agreement is recorded', async () => {
    const { storage, calls } = await loginAs('resident')
    expect(storage.get('lb_token')).toBeTruthy()
    expect(callsTo(calls, 'PATCH', '/me')[0].data).toEqual({ agree_privacy: true })
    expect(storage.get('lb_member').privacy_agreed).toBe(true)
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' })
  })

  test('the booking page shows the real menu and fills in the household address', async () => {
    await loginAs('resident')
    const page = await ready(await renderPage('booking'))
    for (const name of ['义务维修', '义务家教', '法律援助与治安', '医疗保健', '帮困', '小区教育', '文体', '环境保护']) {
      expect(text(page)).toContain(name)
    }
    expect(page.instance.selectComponent('#need').data.building).toBe('3号楼')
    expect(text(page)).toContain('王德顺')
  })

  test('the household page shows the invite code and the family member without a phone', async () => {
    await loginAs('resident')
    const page = await ready(await renderPage('household'))
    expect(text(page)).toContain('王家')
    expect(text(page)).toMatch(/[A-Z0-9]{8}/)
    expect(text(page)).toContain('不用手机，由家人代办')
  })

  test('a resident registers as a volunteer through the page, with a separate consent', async () => {
    const { calls } = await loginAs('resident-b')
    const page = await ready(await renderPage('volunteer'))
    const p = page.instance
    p.onIntention({ currentTarget: { dataset: { index: 7 } } }) // 环境保护
    p.onSlot({ currentTarget: { dataset: { row: 0, col: 0 } } })
    p.onPoliticalConsent({ detail: { value: true } })
    p.onPolitical({ detail: { value: 4 } }) // 群众
    p.onSubmit()
    await until(() => p.data.mode === 'edit' && p.data.state === 'ready', 'the profile after registering')
    expect(callsTo(calls, 'POST', '/volunteers')).toHaveLength(1)
    expect(text(page)).toMatch(/XFY-\d{5}/)
    expect(p.data.form.political_status).toBe('群众')
    expect(wx.getStorageSync('lb_member').volunteer).toBeTruthy()
  })

  test('an unknown invite code shows the server message in Chinese', async () => {
    await loginAs('resident-b')
    const page = await ready(await renderPage('household'))
    expect(page.instance.data.household).toBeTruthy() // 吴家 already
    const households = require('../services/households')
    await expect(households.join({ invite_code: 'ZZZZZZZZ', relation: '配偶' })).rejects.toMatchObject({ status: expect.any(Number) })
    const shown = wx.showModal.mock.calls.map((c) => c[0].content)
    expect(shown.length).toBe(1)
    expect(shown[0]).toMatch(/[\u4e00-\u9fa5]/)
  })

  const boardReady = () => has('/api/v1/requests') && has('/api/v1/tasks') && has('/api/v1/me/passbook')
  const paybackReady = () => has('/api/v1/payback-requests') && has('/api/v1/me/passbook')

  test('once the API serves the board: book → claim → check in and out → confirm → the passbook shows the hours', async () => {
    if (!boardReady()) {
      console.warn('skipped: the API does not serve requests / tasks / passbook yet')
      return
    }
    await loginAs('resident')
    const booking = await ready(await renderPage('booking'))
    const form = booking.instance.selectComponent('#need')
    form.onCategory({ currentTarget: { dataset: { index: 0 } } })
    form.onItem({ currentTarget: { dataset: { index: 0 } } })
    form.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '端到端：洗衣机不脱水' } })
    form.onDay({ detail: { value: tomorrow() } })
    form.onStart({ detail: { value: '09:00' } })
    form.onEnd({ detail: { value: '11:00' } })
    form.onEstimate({ currentTarget: { dataset: { minutes: 60 } } })
    booking.instance.onSubmit()
    await until(() => wx.redirectTo.mock.calls.length, 'the booking to be sent')

    await loginAs('volunteer')
    const home = await ready(await renderPage('home'))
    const task = await until(() => home.instance.data.items.find((t) => (t.description || '').indexOf('端到端') >= 0), 'the task on the board')
    home.instance.onClaim({ currentTarget: { dataset: { id: task.id } } })
    const mine = await ready(await renderPage('tasks'))
    await until(() => mine.instance.data.items.find((t) => t.id === task.id), 'the claimed task')
    mine.instance.onCheckIn({ currentTarget: { dataset: { id: task.id } } })
    await until(() => (mine.instance.data.items.find((t) => t.id === task.id) || {}).status === 'in_progress', 'check-in')
    mine.instance.onCheckOut({ currentTarget: { dataset: { id: task.id } } })
    await until(() => (mine.instance.data.items.find((t) => t.id === task.id) || {}).status !== 'in_progress', 'check-out')

    await loginAs('resident')
    const requests = await ready(await renderPage('requests'))
    const record = await until(() => requests.instance.data.toConfirm[0] || requests.instance.data.items.find((r) => r.record_id), 'a service to confirm')
    requests.instance.onConfirm({ currentTarget: { dataset: { record: record.record_id || record.id } } })
    await until(() => wx.showToast.mock.calls.some((c) => c[0].title === '已确认，谢谢您'), 'the confirmation')

    await loginAs('volunteer')
    const passbook = await ready(await renderPage('passbook'))
    await until(() => passbook.instance.data.rows.some((r) => r.direction === 'deposit'), 'a deposit in the passbook')
    expect(text(passbook)).toContain('存入')
  })

  test('once the API serves payback: a retired volunteer opens a request and the passbook shows the held hours', async () => {
    if (!paybackReady()) {
      console.warn('skipped: the API does not serve payback / passbook yet')
      return
    }
    await loginAs('retired')
    const page = await ready(await renderPage('payback'))
    expect(page.instance.data.eligibility.eligible).toBe(true)
    page.instance.onOpenForm()
    await new Promise((r) => setTimeout(r, 20))
    const form = page.instance.selectComponent('#need')
    form.onCategory({ currentTarget: { dataset: { index: 3 } } })
    form.onItem({ currentTarget: { dataset: { index: 0 } } })
    form.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '端到端：量血压' } })
    form.onDay({ detail: { value: tomorrow() } })
    form.onStart({ detail: { value: '09:00' } })
    form.onEnd({ detail: { value: '10:00' } })
    form.onEstimate({ currentTarget: { dataset: { minutes: 30 } } })
    page.instance.onSubmit()
    await until(() => page.instance.data.list.length, 'the payback request in my list')
    const passbook = await ready(await renderPage('passbook'))
    expect(Number(passbook.instance.data.held)).toBeGreaterThan(0)
    expect(text(passbook)).toContain('冻结中的时间')
  })
})
