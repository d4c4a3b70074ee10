const { installWx, renderPage, text, tap, callsTo, fixture, flush, modalTexts } = require('./helpers')

const kin = fixture('kin')
const resident = fixture('me-resident') // 王家: 李家 named it (confirmed), 周家 too (waiting)

function routes(over = {}) {
  return Object.assign({
    'GET /kinships': kin.resident,
    'GET /me/passbook': fixture('passbook'),
    'POST /ledger/gifts': kin.gift,
    'POST /ledger/donations': kin.donation,
    'POST /kinships': kin.created,
  }, over)
}

async function giftSixtyMinutes(page) {
  await tap(page, '.gift-to')
  page.querySelectorAll('.gift-amount')[1].dispatchEvent('tap') // 1.0 小时
  await flush()
  page.instance.onInput({ currentTarget: { dataset: { field: 'gift.note' } }, detail: { value: '请人陪同就医' } })
  await tap(page, '.send-gift')
}

describe('kin page (亲情转赠和爱心池)', () => {
  test('my household\'s hours, each relative household from my side, and whether the station has confirmed it', async () => {
    installWx(routes(), { member: resident })
    const page = await renderPage('kin')
    const t = text(page)
    expect(t).toContain(`${(fixture('passbook').available_minutes / 60).toFixed(1)} 小时`)
    expect(t).toContain('李家登记：您是他们家的母亲')
    expect(t).toContain('✓服务站已确认，可以转赠')
    expect(t).toContain('…等服务站确认')
    expect(t).toContain('等和平里社区服务站核实后确认。') // 周家 named us: their station checks
    expect(page.querySelectorAll('.gift-to')).toHaveLength(1)
  })

  test('a gift asks first, then posts the body with an Idempotency-Key', async () => {
    const { calls } = installWx(routes(), { member: resident })
    const page = await renderPage('kin')
    await giftSixtyMinutes(page)
    expect(wx.showModal.mock.calls[0][0].content).toBe('从您家存折转 1.0 小时 给李家。转出后不能撤回。')
    const sent = callsTo(calls, 'POST', '/ledger/gifts')[0]
    expect(sent.data).toEqual({ to_household_id: 2, minutes: 60, note: '请人陪同就医' })
    expect(sent.header['Idempotency-Key']).toMatch(/^gift-/)
    expect(wx.showToast.mock.calls[0][0].title).toBe('已转赠')
    expect(callsTo(calls, 'GET', '/kinships')).toHaveLength(2)
  })

  test('a lost answer keeps the key: 再试一次 sends the same gift with the same key, once answered it is forgotten', async () => {
    let answer = { offline: true }
    const { calls } = installWx(routes({ 'POST /ledger/gifts': () => answer }), { member: resident })
    const page = await renderPage('kin')
    await giftSixtyMinutes(page)
    expect(text(page)).toContain('还不知道转赠成功没有')
    answer = kin.gift
    await tap(page, '.retry-move')
    const [first, again] = callsTo(calls, 'POST', '/ledger/gifts')
    expect(again.data).toEqual(first.data)
    expect(again.header['Idempotency-Key']).toBe(first.header['Idempotency-Key'])
    expect(text(page)).not.toContain('还不知道转赠成功没有')
    await giftSixtyMinutes(page) // a new gift: a new key
    expect(callsTo(calls, 'POST', '/ledger/gifts')[2].header['Idempotency-Key']).not.toBe(first.header['Idempotency-Key'])
  })

  test('after a lost answer, changing the amount is another gift: another key', async () => {
    const { calls } = installWx(routes({ 'POST /ledger/gifts': { offline: true } }), { member: resident })
    const page = await renderPage('kin')
    await giftSixtyMinutes(page)
    page.querySelectorAll('.gift-amount')[2].dispatchEvent('tap') // 2.0 小时
    await flush()
    await tap(page, '.send-gift')
    const [first, second] = callsTo(calls, 'POST', '/ledger/gifts')
    expect(second.data.minutes).toBe(120)
    expect(second.header['Idempotency-Key']).not.toBe(first.header['Idempotency-Key'])
  })

  test('the yearly cap: the server\'s words, in the dialog and under the amount; the next try is a new decision', async () => {
    const { calls } = installWx(routes({ 'POST /ledger/gifts': kin.gift_cap }), { member: resident })
    const page = await renderPage('kin')
    await giftSixtyMinutes(page)
    expect(modalTexts()).toContain('提示|每户每年转赠最多100小时，今年已转赠2小时')
    expect(text(page)).toContain('⚠ 每户每年转赠最多100小时，今年已转赠2小时')
    expect(text(page)).not.toContain('还不知道')
    await tap(page, '.send-gift')
    const [first, second] = callsTo(calls, 'POST', '/ledger/gifts')
    expect(second.header['Idempotency-Key']).not.toBe(first.header['Idempotency-Key'])
  })

  test('a donation to the love pool: amount, note, a key; the cap and a short balance as the server words them', async () => {
    const { calls } = installWx(routes(), { member: resident })
    const page = await renderPage('kin')
    await tap(page, '.send-donation')
    expect(text(page)).toContain('请选择捐多少时间')
    page.querySelectorAll('.donation-amount')[0].dispatchEvent('tap') // 0.5 小时
    await flush()
    await tap(page, '.send-donation')
    expect(wx.showModal.mock.calls[0][0].content).toContain('捐 0.5 小时 到社区爱心池')
    const sent = callsTo(calls, 'POST', '/ledger/donations')[0]
    expect(sent.data).toEqual({ minutes: 30, note: '' })
    expect(sent.header['Idempotency-Key']).toMatch(/^donation-/)

    installWx(routes({ 'POST /ledger/donations': kin.donation_short }), { member: resident })
    const short = await renderPage('kin')
    short.querySelectorAll('.donation-amount')[4].dispatchEvent('tap')
    await flush()
    await tap(short, '.send-donation')
    expect(modalTexts()).toContain('提示|家庭存折的可用时间不够（还差8.0小时）')
  })

  test('naming a relative household: checked first, then the invite code (upper case) and the relation', async () => {
    const { calls } = installWx(routes(), { member: resident })
    const page = await renderPage('kin')
    await tap(page, '.link')
    expect(text(page)).toContain('请填写亲属家的邀请码')
    expect(text(page)).toContain('请选择对方是您的什么人')
    page.instance.onInput({ currentTarget: { dataset: { field: 'link.invite_code' } }, detail: { value: '4gp4z3t3' } })
    await tap(page, '.relation') // 配偶
    await tap(page, '.link')
    expect(callsTo(calls, 'POST', '/kinships')[0].data).toEqual({ invite_code: '4GP4Z3T3', relation: '配偶' })
  })

  test('a wrong invite code: the server\'s reason under the field', async () => {
    installWx(routes({ 'POST /kinships': kin.refused }), { member: resident })
    const page = await renderPage('kin')
    page.instance.onInput({ currentTarget: { dataset: { field: 'link.invite_code' } }, detail: { value: 'ZZZZ9999' } })
    await tap(page, '.relation')
    await tap(page, '.link')
    expect(text(page)).toContain('⚠ 邀请码不对，请向亲属核对')
  })

  test('a relative in another community asks us to confirm: the kinship says so, and 属实 posts the acceptance', async () => {
    const { calls } = installWx(routes({ 'POST /kinships/3/accept': kin.accepted }), { member: resident })
    const page = await renderPage('kin')
    const t = text(page)
    expect(t).toContain('吴家（幸福苑社区）')
    expect(t).toContain('…等亲属家庭确认')
    expect(page.querySelectorAll('.accept-kin')).toHaveLength(1)
    await tap(page, '.accept-kin')
    expect(wx.showModal.mock.calls[0][0].content).toBe('吴家登记：您是他们家的母亲。属实请确认，确认后两家可以互相转赠时间。')
    expect(callsTo(calls, 'POST', '/kinships/3/accept')).toHaveLength(1)
    expect(wx.showToast.mock.calls[0][0].title).toBe('已确认')
  })

  test('the asking side, across communities, is told it waits for the relative household', async () => {
    const asking = Object.assign({}, kin.accepted, { household_id: 1, household_name: '王家', relative_household_id: 7,
      relative_household_name: '吴家', household_community_name: '和平里社区', relative_community_name: '幸福苑社区',
      relative_accepted: false, waiting_for: ['relative'], confirmed: false })
    installWx(routes({ 'GET /kinships': [asking] }), { member: resident })
    const page = await renderPage('kin')
    expect(text(page)).toContain('吴家在幸福苑社区，还要等他们家在小程序里确认（或到他们的服务站确认）。')
    expect(page.querySelectorAll('.accept-kin')).toHaveLength(0)
    expect(page.querySelectorAll('.gift-to')).toHaveLength(0)
  })

  test('an error loading says why', async () => {
    installWx(routes({ 'GET /kinships': { offline: true } }), { member: resident })
    expect(text(await renderPage('kin'))).toContain('网络没有连上')
  })
})

describe('station kinships (服务站 · 亲属关系确认)', () => {
  test('waiting first; confirming says what to check and posts', async () => {
    const { calls } = installWx({ 'GET /kinships': kin.coordinator, 'POST /kinships/2/confirm': kin.confirmed }, { member: fixture('me-coordinator') })
    const page = await renderPage('station/kinships')
    const t = text(page)
    expect(t).toContain('等待确认（1）')
    expect(t).toContain('周家登记：王家是他们的母亲家')
    expect(t).toContain('✓ 2026年10月1日确认')
    await tap(page, '.confirm')
    expect(wx.showModal.mock.calls[0][0].content).toContain('户口本')
    expect(callsTo(calls, 'POST', '/kinships/2/confirm')).toHaveLength(1)
  })

  test('a household of ours named from another community: the station confirms for an elder without a phone', async () => {
    const { calls } = installWx({ 'GET /kinships': kin.coordinator, 'POST /kinships/3/accept': kin.accepted }, { member: fixture('me-coordinator') })
    const page = await renderPage('station/kinships')
    expect(text(page)).toContain('外社区登记了本社区居民（1）')
    expect(text(page)).toContain('吴家（幸福苑社区） → 王家')
    await tap(page, '.accept')
    expect(wx.showModal.mock.calls[0][0].content).toContain('请先问过王家本人')
    expect(callsTo(calls, 'POST', '/kinships/3/accept')).toHaveLength(1)
    expect(wx.showToast.mock.calls[0][0].title).toBe('已代为确认')
  })

  test('none yet', async () => {
    installWx({ 'GET /kinships': [] }, { member: fixture('me-coordinator') })
    expect(text(await renderPage('station/kinships'))).toContain('还没有居民登记亲属家庭')
  })
})
