const { installWx, renderPage, text, fixture, callsTo, flush } = require('./helpers')

const coordinator = fixture('me-coordinator')
const networks = fixture('networks')

describe('通存通兑 (the network\'s positions)', () => {
  test('each community with its position in the server\'s words and its limit', async () => {
    installWx({ 'GET /networks': networks.list }, { member: coordinator })
    const page = await renderPage('station/network')
    const t = text(page)
    expect(t).toContain('和平街道通存通兑（街道）')
    expect(t).toContain('和平里社区网络欠本社区1小时')
    expect(t).toContain('幸福苑社区本社区欠网络1小时')
    expect(t).toContain('额度 50.0 小时')
    expect(page.querySelectorAll('.member')).toHaveLength(2)
    expect(page.querySelectorAll('.position.owes')).toHaveLength(1)
  })

  test('last month\'s settlement shows under the positions: the hours between each pair of communities', async () => {
    const settlement = {
      network_id: 1, year: 2026, month: 11, closed: true, closed_at: '2026-12-01T03:00:00+08:00',
      flows: [{ from_community_id: 1, from_community_name: '和平里社区', to_community_id: 2, to_community_name: '幸福苑社区', minutes: 90, transfers: 2 }],
      positions: [],
    }
    const { calls } = installWx({ 'GET /networks': networks.list, 'GET /networks/1/settlements': settlement },
      { member: coordinator })
    const page = await renderPage('station/network')
    await flush()
    const t = text(page)
    expect(t).toContain('2026年11月结算')
    expect(t).toContain('已结算')
    expect(t).toContain('和平里社区 → 幸福苑社区：1.5 小时（2笔）')
    const { query } = callsTo(calls, 'GET', '/networks/1/settlements')[0]
    const [year, month] = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7).split('-').map(Number)
    expect([Number(query.year), Number(query.month)]).toEqual(month === 1 ? [year - 1, 12] : [year, month - 1])
  })

  test('a month not closed yet says its figures still move; a month without exchange says so', async () => {
    installWx({
      'GET /networks': networks.list,
      'GET /networks/1/settlements': { network_id: 1, year: 2026, month: 11, closed: false, flows: [], positions: [] },
    }, { member: coordinator })
    const page = await renderPage('station/network')
    await flush()
    expect(text(page)).toContain('还没有结账')
    expect(text(page)).toContain('这个月社区之间没有时间往来。')
  })

  test('a community in no network says so', async () => {
    installWx({ 'GET /networks': [] }, { member: coordinator })
    const page = await renderPage('station/network')
    expect(text(page)).toContain('本社区还没有加入通存通兑网络。')
  })

  test('a passbook line of hours from another community names it', async () => {
    const book = fixture('passbook')
    book.entries = [networks.gift_line, ...book.entries]
    installWx({ 'GET /me/passbook': book, 'GET /households/2/statements': [] }, { member: fixture('me-resident') })
    const page = await renderPage('passbook')
    const t = text(page)
    expect(t).toContain('对方社区：和平里社区')
    expect(t).toContain('和平里社区李家转赠给幸福苑社区吴家')
    expect(page.querySelectorAll('.other-community')).toHaveLength(1)
  })
})
