/**
 * 迁移 at the station: the desk lists households asking to move in (去处理) and the community's own moving out;
 * the move page lets the receiving station agree or say no with a reason, shows what still blocks a move, and
 * shows the leaving station the same move without buttons.
 */

const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts, answerDialogs } = require('./helpers')

const coordinator = fixture('me-coordinator') // 和平里社区, community 1
const desk = fixture('desk')

function routes(over = {}) {
  const [open, blocked] = desk.moves_in
  return Object.assign({
    'GET /desk': desk,
    'GET /moves/5': open,
    'GET /moves/6': blocked,
    'GET /moves/7': desk.moves_out[0],
    'POST /moves/5/accept': { ...open, status: 'accepted', status_label: '已迁入', minutes: 270, transfer_id: 901, available_minutes: undefined, blocking: undefined },
    'POST /moves/5/reject': { ...open, status: 'rejected', status_label: '新社区未同意', decision_reason: '请先到服务站面谈' },
  }, over)
}

describe('moves on the station desk', () => {
  test('lists moves in with household, reason, hours and what blocks them, and moves out waiting elsewhere', async () => {
    installWx(routes(), { member: coordinator })
    const page = await renderPage('station')
    const t = text(page)
    expect(t).toContain('有 7 件事要处理') // five as before, and two households asking to move in
    expect(t).toContain('⑦ 申请迁入本社区的家庭（2）')
    expect(t).toContain('陈家从幸福苑社区迁来 · 11月28日申请')
    expect(t).toContain('搬去儿子家住')
    expect(t).toContain('4.5 小时')
    expect(t).toContain('! 还有1件事没办完，办完才能迁')
    expect(t).toContain('⑧ 本社区迁出、等对方社区办理（1）')
    expect(t).toContain('孙家 → 幸福苑社区')
    expect(t).toContain('等待新社区确认')
    await tap(page, '.handle-move')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/station/move?id=5' })
  })

  test('an old desk answer without moves still renders', async () => {
    const old = { ...desk }
    delete old.moves_in
    delete old.moves_out
    installWx(routes({ 'GET /desk': old }), { member: coordinator })
    const t = text(await renderPage('station'))
    expect(t).toContain('有 5 件事要处理')
    expect(t).toContain('⑦ 申请迁入本社区的家庭（0）')
  })
})

describe('the move page (办理迁移)', () => {
  test('the receiving station agrees after a dialog naming the hours that come along', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('station/move', { id: '5' })
    const t = text(page)
    expect(t).toContain('陈家')
    expect(t).toContain('从幸福苑社区迁到和平里社区')
    expect(t).toContain('一起转来的时间4.5 小时')
    await tap(page, '.accept')
    expect(modalTexts()[0]).toContain('陈家存折里的4.5 小时从幸福苑社区转到本社区')
    expect(callsTo(calls, 'POST', '/moves/5/accept')).toHaveLength(1)
    expect(callsTo(calls, 'GET', '/moves/5').length).toBeGreaterThanOrEqual(2) // read again after
  })

  test('saying no needs a reason, which the household reads', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('station/move', { id: '5' })
    answerDialogs('  ')
    await tap(page, '.reject')
    expect(callsTo(calls, 'POST', '/moves/5/reject')).toHaveLength(0)
    answerDialogs('请先到服务站面谈')
    await tap(page, '.reject')
    expect(callsTo(calls, 'POST', '/moves/5/reject')[0].data).toEqual({ reason: '请先到服务站面谈' })
  })

  test('a blocked move shows what to settle and cannot be agreed yet', async () => {
    installWx(routes(), { member: coordinator })
    const page = await renderPage('station/move', { id: '6' })
    const t = text(page)
    expect(t).toContain('! 还有1件事没办完，办完才能迁')
    expect(t).toContain('服务记录88（11月27日 陪同就医）待确认，请先处理完')
    expect(t).toContain('上面的事办完了，才能同意迁入')
    expect(page.querySelector('.accept')).toBeFalsy()
    expect(page.querySelector('.reject')).toBeTruthy()
  })

  test('the station the household leaves sees the move without buttons; a refusal shows the server message', async () => {
    installWx(routes(), { member: coordinator })
    const page = await renderPage('station/move', { id: '7' })
    const t = text(page)
    expect(t).toContain('孙家')
    expect(t).toContain('等幸福苑社区服务站办理')
    expect(page.querySelector('.accept')).toBeFalsy()
    installWx(routes({ 'GET /moves/9': { status: 404, body: { code: 404, status: 'Not Found', message: '没有找到' } } }), { member: coordinator })
    expect(text(await renderPage('station/move', { id: '9' }))).toContain('没有找到')
  })
})
