const { installWx, renderPage, text, tap, callsTo, fixture } = require('./helpers')

const coordinator = fixture('me-coordinator')
const resident = fixture('me-resident')
const redemption = fixture('redemption')
const notices = fixture('notices')

/** The API by quarter: no query → the current quarter so far (Q4), else the one named. */
function byQuarter(call) {
  const named = { 2: redemption.q2, 3: redemption.q3, 4: redemption.q4 }[Number(call.query.quarter || 4)]
  return named || { status: 422, body: { code: 422, status: 'Unprocessable Entity', message: '季度只能是1到4', errors: { query: { quarter: ['季度只能是1到4'] } } } }
}

describe('honour rate (兑付率)', () => {
  test('the desk shows this quarter\'s rate with its counts, in the server\'s words; a tap opens the figures', async () => {
    installWx({ 'GET /desk': fixture('desk'), 'GET /volunteers/applications': { items: [], next_cursor: null } }, { member: coordinator })
    const page = await renderPage('station')
    const t = text(page)
    expect(t).toContain('本季度兑付率')
    expect(t).toContain('83.3%')
    expect(t).toContain('按时兑付 5 · 晚于承诺兑付 1 · 未兑付 0')
    await tap(page, '.honour-card')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/station/honour' })
  })

  test('a desk answer without the rate shows no card', async () => {
    installWx({ 'GET /desk': { records_waiting: [], held_requests: [], unclaimed_tasks: [], todays_visits: [], events: [] } }, { member: coordinator })
    expect(text(await renderPage('station'))).not.toContain('兑付率')
  })

  test('the page shows the quarter so far, every figure named by the server, and switches quarters', async () => {
    const { calls } = installWx({ 'GET /communities/1/redemption': byQuarter }, { member: coordinator })
    const page = await renderPage('station/honour')
    let t = text(page)
    expect(callsTo(calls, 'GET', '/communities/1/redemption')[0].query).toEqual({})
    expect(t).toContain('2026年第4季度')
    expect(t).toContain('兑付率（本季度到目前为止）')
    expect(t).toContain('兑付率83.3%：按时兑付5件，晚于承诺1件，未兑付0件')
    expect(t).toContain('签约机构服务')
    expect(t).toContain('从申请到开始服务（中位数）18 小时')
    expect(t).toContain('兑付时长9.5 小时')
    await tap(page, '.next') // no quarter after the current one: nothing asked
    expect(callsTo(calls, 'GET', '/communities/1/redemption')).toHaveLength(1)

    await tap(page, '.previous')
    t = text(page)
    expect(callsTo(calls, 'GET', '/communities/1/redemption')[1].query).toEqual({ year: '2026', quarter: '3' })
    expect(t).toContain('2026年第3季度')
    expect(t).toContain('兑付率75.0%：按时兑付9件，晚于承诺2件，未兑付1件')
    expect(t).not.toContain('到目前为止')

    await tap(page, '.previous')
    t = text(page)
    expect(t).toContain('暂无')
    expect(t).toContain('本季度还没有到期的回馈申请')

    await tap(page, '.next')
    expect(callsTo(calls, 'GET', '/communities/1/redemption')[3].query).toEqual({ year: '2026', quarter: '3' })
  })

  test('a quarter named in the link opens directly; the server\'s refusal is shown', async () => {
    const { calls } = installWx({ 'GET /communities/1/redemption': byQuarter }, { member: coordinator })
    const page = await renderPage('station/honour', { year: '2026', quarter: '3' })
    expect(callsTo(calls, 'GET', '/communities/1/redemption')[0].query).toEqual({ year: '2026', quarter: '3' })
    expect(text(page)).toContain('兑付率75.0%')
    installWx({ 'GET /communities/1/redemption': byQuarter }, { member: coordinator })
    expect(text(await renderPage('station/honour', { year: '2026', quarter: '9' }))).toContain('季度只能是1到4')
  })

  test('the quarterly notice carries the honour line when its content has one', async () => {
    installWx({ 'GET /notices/1': notices.quarterly_resident }, { member: resident })
    let t = text(await renderPage('notices/detail', { id: '1' }))
    expect(t).toContain('优先回馈兑付')
    expect(t).toContain('兑付率75.0%：按时兑付9件，晚于承诺2件，未兑付1件')
    expect(t).toContain('本季度兑付时长 21.5 小时')
    const older = { ...notices.quarterly_resident }
    delete older.honour
    installWx({ 'GET /notices/1': older }, { member: resident })
    t = text(await renderPage('notices/detail', { id: '1' }))
    expect(t).not.toContain('优先回馈兑付')
    expect(t).toContain('各服务队')
  })
})
