const { installWx, renderPage, text, fixture } = require('./helpers')

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
