/**
 * End to end: the pages and the request wrapper against the live API (python -m server.run:
 * SQLite, Redis, worker), with wx.request carried over real HTTP: booking → claim → check in
 * and out → confirm → the volunteer's passbook; a retired volunteer's payback hold; the
 * volunteer's stars; a resident's data export; a self-report corrected, then withdrawn; a signed statement.
 */

const live = require('./live-api')
const { installWx, renderPage, text, callsTo } = require('./helpers')
const api = require('../api/request')
const format = require('../utils/format')

jest.setTimeout(120000)

let server = null
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
  const net = installWx({}, { server: server.origin, token: null })
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

/** A time window around now, today, in the community's time (UTC+8): check-in is allowed at once. */
function windowAroundNow() {
  const t = new Date(Date.now() + 8 * 3600 * 1000)
  const hh = t.getUTCHours()
  const pad = (n) => String(n).padStart(2, '0')
  return { day: format.today(), start: `${pad(hh)}:${pad(Math.floor(t.getUTCMinutes() / 5) * 5)}`, end: hh >= 22 ? '23:59' : `${pad(hh + 2)}:00` }
}

describeLive('mini-program against the live API', () => {
  beforeAll(async () => {
    server = await live.start()
  })
  afterAll(async () => {
    if (server) await server.stop()
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

  test('book → claim → check in and out → confirm → the volunteer\'s passbook shows the hours', async () => {
    await loginAs('volunteer')
    const before = (await api.get('/me/passbook')).balance_minutes // the demo volunteer has credited repairs already
    await loginAs('resident')
    const booking = await ready(await renderPage('booking'))
    const form = booking.instance.selectComponent('#need')
    const w = windowAroundNow()
    form.onCategory({ currentTarget: { dataset: { index: 0 } } }) // 义务维修
    form.onItem({ currentTarget: { dataset: { index: 0 } } })
    form.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '端到端：洗衣机不脱水' } })
    form.onDay({ detail: { value: w.day } })
    form.onStart({ detail: { value: w.start } })
    form.onEnd({ detail: { value: w.end } })
    form.onEstimate({ currentTarget: { dataset: { minutes: 60 } } })
    booking.instance.onSubmit()
    await until(() => wx.redirectTo.mock.calls.length, 'the booking to be sent')
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/requests/index' })

    await loginAs('volunteer')
    const home = await ready(await renderPage('home'))
    const task = await until(() => home.instance.data.items.find((t) => (t.description || '').indexOf('端到端') >= 0), 'the task on the board')
    expect(task.status).toBe('open')
    await home.instance.onClaim({ currentTarget: { dataset: { id: task.id } } })
    const mine = await ready(await renderPage('tasks'))
    const mineTask = () => mine.instance.data.items.find((t) => t.id === task.id) || {}
    await until(() => mineTask().status === 'claimed', 'the claimed task in my tasks')
    expect(text(mine)).toContain('到了，签到')
    await mine.instance.onCheckIn({ currentTarget: { dataset: { id: task.id } } })
    await until(() => mineTask().status === 'in_progress', 'check-in')
    server.backdateCheckIn(task.id, 90) // an hour and a half of service
    await mine.instance.onCheckOut({ currentTarget: { dataset: { id: task.id } } })
    await until(() => mineTask().status === 'done', 'check-out')
    // After check-out the volunteer is offered the confirmation code for the witness.
    const qrUrl = wx.navigateTo.mock.calls.map((c) => c[0].url).find((u) => u.startsWith('/pages/qr/index?kind=record&id='))
    expect(qrUrl).toBeTruthy()

    await loginAs('resident')
    const requests = await ready(await renderPage('requests'))
    const record = await until(() => requests.instance.data.toConfirm[0], 'the service waiting for my confirmation')
    expect(record.duration_minutes).toBe(90)
    expect(text(requests)).toContain('李建国')
    await requests.instance.onConfirm({ currentTarget: { dataset: { record: record.id } } })
    await until(() => wx.showToast.mock.calls.some((c) => c[0].title === '已确认，谢谢您'), 'the confirmation')

    await loginAs('volunteer')
    const passbook = await ready(await renderPage('passbook'))
    const row = await until(() => passbook.instance.data.rows.find((r) => r.direction === 'deposit' && r.content.indexOf('端到端') >= 0), 'the deposit in the passbook')
    expect(row.amount).toBe('+1.5')
    expect(row.witness).toBe('王秀兰')
    expect(passbook.instance.data.balance).toBe(((before + 90) / 60).toFixed(1))
    expect(text(passbook)).toContain('存入')
    expect(text(passbook)).toContain('见证人：王秀兰')
  })

  test('a retired volunteer opens a payback request and the passbook shows the held hours', async () => {
    // The station records more of 张桂芳's earlier years (the demo has her paper passbook's 40 hours).
    const { storage } = await loginAs('retired')
    const household = storage.get('lb_member').household_id
    // What the demo already holds for her (a request a provider was assigned) stays held throughout.
    const start = await api.get('/me/passbook')
    const [banked, free, heldBefore] = [start.balance_minutes, start.available_minutes, start.held_minutes]
    await loginAs('coordinator')
    const key = api.idempotencyKey('e2e-adjust')
    const body = { household_id: household, minutes: 600, reason: '补录：2019—2024年的服务时间' }
    const first = await api.post('/ledger/adjustments', body, { headers: { 'Idempotency-Key': key } })
    const again = await api.post('/ledger/adjustments', body, { headers: { 'Idempotency-Key': key } })
    expect(again.id).toBe(first.id) // the same key moves the hours once

    await loginAs('retired')
    const page = await ready(await renderPage('payback'))
    expect(page.instance.data.eligibility.eligible).toBe(true)
    const hours = (minutes) => (minutes / 60).toFixed(1)
    expect(page.instance.data.available).toBe(`${hours(free + 600)} 小时`)
    page.instance.onOpenForm()
    await new Promise((r) => setTimeout(r, 20))
    const form = page.instance.selectComponent('#need')
    form.onCategory({ currentTarget: { dataset: { index: 3 } } }) // 医疗保健
    form.onItem({ currentTarget: { dataset: { index: 0 } } })
    form.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '端到端：量血压' } })
    form.onDay({ detail: { value: tomorrow() } })
    form.onStart({ detail: { value: '09:00' } })
    form.onEnd({ detail: { value: '11:00' } })
    form.onEstimate({ currentTarget: { dataset: { minutes: 120 } } })
    const listed = page.instance.data.list.length // the demo's own request (a provider assigned) is there already
    page.instance.onSubmit()
    await until(() => page.instance.data.list.length > listed, 'the payback request in my list')
    expect(page.instance.data.list[0].held).toBe('2.0 小时')

    const passbook = await ready(await renderPage('passbook'))
    expect(passbook.instance.data.held).toBe(hours(heldBefore + 120))
    expect(passbook.instance.data.available).toBe(hours(free + 600 - 120))
    expect(passbook.instance.data.balance).toBe(hours(banked + 600))
    expect(text(passbook)).toContain('冻结中的时间')
    expect(text(passbook)).toContain('优先回馈：端到端：量血压')
  })

  test('the demo volunteer reads this year\'s hours and stars, beside the national level, on the stars page', async () => {
    await loginAs('volunteer')
    const standing = await api.get('/me/stars')
    const page = await ready(await renderPage('stars'))
    const s = page.instance.data.s
    expect(s.year.hours).toBe((standing.minutes / 60).toFixed(1))
    expect(s.year.stars).toBe(standing.stars)
    expect(s.national.hours).toBe((standing.national.minutes / 60).toFixed(1))
    expect(s.year.levels.map((l) => l.hours)).toEqual(standing.thresholds_hours.map((h) => `${h} 小时`))
    expect(text(page)).toContain(`${standing.period.label}服务（`)
    expect(text(page)).toContain('全国志愿服务星级')
    if (standing.next_stars) expect(text(page)).toContain(`再服务 ${(standing.minutes_to_next / 60).toFixed(1)} 小时`)
  })

  test('a resident exports her data through the privacy page and reads it on the phone', async () => {
    const { files, calls } = await loginAs('resident')
    const page = await ready(await renderPage('privacy'))
    await page.instance.onExport()
    expect(callsTo(calls, 'GET', '/me/export')).toHaveLength(1)
    const exported = page.instance.data.exported
    expect(exported).toBeTruthy()
    const doc = JSON.parse(files.get(exported.filePath))
    expect(doc.profile.name).toBe('王秀兰')
    expect(doc.household.name).toBe('王家')
    expect(text(page)).toContain('个人信息王秀兰')
    expect(text(page)).toContain(`我见证的服务${doc.records_witnessed.length ? `${doc.records_witnessed.length} 条` : '没有'}`)
    const data = await renderPage('privacy/data', { file: encodeURIComponent(exported.filePath) })
    expect(text(data)).toContain('姓名：王秀兰')
    expect(text(data)).toContain('社区：和平里社区')
  })

  test('吴家 opens last month\'s signed statement: 已签名 · 校验通过, and anyone can check the QR code\'s text', async () => {
    await loginAs('resident-b')
    const book = await ready(await renderPage('passbook'))
    await until(() => book.instance.data.statements.length, 'the statements')
    const month = book.instance.data.statements[0]
    expect(month.signature).toBe('已签名')
    const id = month.url.split('id=')[1]
    const page = await ready(await renderPage('qr/statement', { id }))
    expect(text(page)).toContain('已签名 · 校验通过')
    expect(text(page)).toMatch(/XFY-\d{8}-[0-9a-f]{8}/)
    const verdict = await api.post('/statements/verify', { compact: page.instance.data.compact })
    expect(verdict.valid).toBe(true)
    const forged = await api.post('/statements/verify', { ...(await api.get(`/statements/${id}/signed`)).document, closing: 6000, in: 6000 })
    expect(forged.valid).toBe(false)
    expect(forged.reasons[0].code).toBe('bad_signature')
  })

  test('a volunteer self-reports, corrects the report on the same form (only the changes sent), then withdraws it', async () => {
    const { calls } = await loginAs('volunteer')
    const input = (p, field, value) => p.onInput({ currentTarget: { dataset: { field } }, detail: { value } })
    const yesterday = format.today(Date.now() - 24 * 3600 * 1000)
    const report = await ready(await renderPage('report'))
    const p = report.instance
    p.onCategory({ detail: { value: 7 } }) // 环境保护
    p.onItem({ detail: { value: 0 } })
    p.onDay({ detail: { value: yesterday } })
    p.onStart({ detail: { value: '05:10' } })
    p.onEnd({ detail: { value: '05:40' } })
    input(p, 'place', '3号楼楼道')
    input(p, 'content', '端到端自报：清理楼道')
    input(p, 'witness_name', '赵大妈')
    input(p, 'witness_phone', '13900000009')
    p.onSubmit()
    await until(() => wx.navigateBack.mock.calls.length === 1, 'the report to be sent')

    const mine = await ready(await renderPage('tasks'))
    const reported = await until(() => mine.instance.data.reported.find((r) => r.content === '端到端自报：清理楼道'), 'my report in my tasks')
    expect(reported.mayChange).toBe(true)
    const form = await ready(await renderPage('report', { id: String(reported.id) }))
    const f = form.instance
    expect([f.data.day, f.data.start, f.data.end, f.data.place, f.data.witness_name]).toEqual([yesterday, '05:10', '05:40', '3号楼楼道', '赵大妈'])
    expect(f.data.categories[f.data.catIndex].items[f.data.itemIndex].name).toBe(reported.item_name)
    f.onEnd({ detail: { value: '06:10' } })
    input(f, 'content', '端到端自报：清理楼道，擦扶手')
    f.onSubmit()
    await until(() => wx.navigateBack.mock.calls.length === 2, 'the correction to be sent')
    expect(callsTo(calls, 'PATCH', `/service-records/${reported.id}`)[0].data).toEqual({
      ended_at: `${yesterday}T06:10:00+08:00`, content: '端到端自报：清理楼道，擦扶手',
    })
    const edited = await api.get(`/service-records/${reported.id}`)
    expect([edited.status, edited.duration_minutes, edited.witness_name]).toEqual(['reported', 60, '赵大妈'])

    await mine.instance.onWithdraw({ currentTarget: { dataset: { record: reported.id } } })
    const mineRecord = () => mine.instance.data.reported.find((r) => r.id === reported.id) || {}
    await until(() => mineRecord().status === 'withdrawn', 'the withdrawal')
    expect(mineRecord().mayChange).toBe(false)
    expect(text(mine)).toContain('已撤回')
    await mine.instance.onWithdraw({ currentTarget: { dataset: { record: reported.id } } })
    const refused = wx.showModal.mock.calls.map((c) => c[0].content).filter((c) => c && c.indexOf('不能撤回') >= 0)
    expect(refused).toEqual(['这条记录现在是「已撤回」，不能撤回'])
  })
})
