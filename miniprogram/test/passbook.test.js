const { installWx, renderPage, text, tap, callsTo, fixture } = require('./helpers')

describe('passbook page (我的存折)', () => {
  test('shows balance, held and available hours, and ruled rows with running totals', async () => {
    installWx({ 'GET /me/passbook': fixture('passbook') }, { member: fixture('me-volunteer') })
    const page = await renderPage('passbook')
    const t = text(page)
    expect(t).toContain('爱心储蓄存折')
    expect(t).toContain('李家')
    expect(t).toContain('12.5小时')
    expect(t).toContain('1.0小时')
    expect(t).toContain('11.5小时')
    expect(t).toContain('11月28日')
    expect(t).toContain('修理洗衣机')
    expect(t).toContain('地点：3号楼2单元301')
    expect(t).toContain('见证人：王秀兰')
    expect(t).toContain('存入+1.5')
    expect(t).toContain('支出-1.0')
    expect(t).toContain('2025年')
    expect(t).toContain('优先回馈：陪同就医')
    expect(t).toContain('2026年 3.5 小时')
  })

  test('older entries load by cursor and keep the year lines right', async () => {
    const older = { ...fixture('passbook'), entries: [{ ...fixture('passbook').entries[3], id: 27 }], next_cursor: null }
    let n = 0
    const { calls } = installWx({ 'GET /me/passbook': () => (n++ ? older : fixture('passbook')) }, { member: fixture('me-volunteer') })
    const page = await renderPage('passbook')
    await tap(page, '.more')
    expect(callsTo(calls, 'GET', '/me/passbook')[1].query).toEqual({ cursor: 'WzI3XQ', limit: '20' })
    expect(text(page).match(/2025年/g)).toHaveLength(1)
    expect(text(page)).toContain('以上是全部记录')
  })

  test('a credit that went wholly to the love pool has its row, saying so', async () => {
    const book = fixture('passbook')
    book.entries.unshift({
      ...book.entries[0], id: 32, minutes: 0, direction: 'to_pool', pool_minutes: 30, running_balance_minutes: 750,
      note: '30分钟全部转入爱心池（家庭存折已达存储上限）', content: '楼道清洁',
    })
    installWx({ 'GET /me/passbook': book }, { member: fixture('me-volunteer') })
    const page = await renderPage('passbook')
    const t = text(page)
    expect(t).toContain('楼道清洁')
    expect(t).toContain('转爱心池0.0')
    expect(t).toContain('30分钟全部转入爱心池（家庭存折已达存储上限）')
  })

  test('tapping a row shows its details', async () => {
    installWx({ 'GET /me/passbook': fixture('passbook') }, { member: fixture('me-volunteer') })
    const page = await renderPage('passbook')
    await tap(page, '.line')
    expect(text(page)).toContain('服务人：李建国')
  })

  test('a household passbook is read from its own address', async () => {
    const { calls } = installWx({ 'GET /households/2/passbook': fixture('passbook') }, { member: fixture('me-volunteer') })
    await renderPage('passbook', { household: '2' })
    expect(callsTo(calls, 'GET', '/households/2/passbook')).toHaveLength(1)
  })

  test('a new passbook says how hours get in', async () => {
    installWx({ 'GET /me/passbook': { ...fixture('passbook'), entries: [], holds: [], yearly_totals: [], next_cursor: null, balance_minutes: 0, held_minutes: 0, available_minutes: 0 } }, { member: fixture('me-resident') })
    const page = await renderPage('passbook')
    expect(text(page)).toContain('还没有记录')
  })

  test('an error shows the server message', async () => {
    installWx({ 'GET /me/passbook': { status: 404, body: { code: 404, status: 'Not Found', message: '您还没有开户' } } }, { member: fixture('me-resident') })
    const page = await renderPage('passbook')
    expect(text(page)).toContain('您还没有开户')
  })
})
