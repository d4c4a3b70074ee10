const { installWx, renderPage, text, tap, callsTo, fixture, flush, modalTexts, answerDialogs } = require('./helpers')

const audits = fixture('audits')
const coordinator = fixture('me-coordinator') // 赵敏, id 7: every visit of 和平里 is hers

function routes(over = {}) {
  return Object.assign({
    'GET /communities/1/audits': audits.list,
    'GET /audits/1': audits.audit,
    'POST /audit-visits/2/outcome': { ...audits.audit.visits[1], status: 'confirmed', status_label: '属实' },
    'POST /audit-visits/3/outcome': audits.outcome_disputed,
  }, over)
}

describe('station audit (检查和走访)', () => {
  test('the open audit with the ledger check, the draw, and my visits: whom to ask, what, why it was drawn', async () => {
    installWx(routes(), { member: coordinator })
    const page = await renderPage('station/audit')
    const t = text(page)
    expect(t).toContain('2026年第3季度检查')
    expect(t).toContain('✓ 账目核对无误')
    expect(t).toContain('从本季度 33 条服务记录里抽了 6 条回访')
    expect(t).toContain('待走访 5 条 · 属实 1 条 · 有异议 0 条')
    expect(t).toContain('分给我的走访（6）')
    expect(t).toContain('! 抽到的原因：同一对人反复互相记录')
    expect(t).toContain('周文来做义务家教：辅导孙子数学，2.0 小时')
    expect(t).toContain('电话回访，服务对象说服务属实，很满意')
    // Pending visits first; the one done last.
    const mine = page.instance.data.audits[0].mine
    expect(mine[0].status).toBe('pending')
    expect(mine[mine.length - 1].status).toBe('confirmed')
  })

  test('属实: an optional note, then the outcome is posted', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('station/audit')
    answerDialogs('上门看过，属实')
    await tap(page, '.confirm-visit')
    await flush()
    expect(callsTo(calls, 'POST', '/audit-visits/2/outcome')[0].data).toEqual({ outcome: 'confirmed', notes: '上门看过，属实' })
  })

  test('有异议: says the hours will be reversed, asks for the notes, posts them', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('station/audit')
    answerDialogs('上门走访，王阿姨说那天周老师没有来')
    page.instance.onDisputeVisit({ currentTarget: { dataset: { id: 3 } } })
    await flush()
    expect(wx.showModal.mock.calls[0][0].content).toContain('冲正')
    expect(callsTo(calls, 'POST', '/audit-visits/3/outcome')[0].data).toEqual({ outcome: 'disputed', notes: '上门走访，王阿姨说那天周老师没有来' })
  })

  test('有异议 without notes is not sent', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('station/audit')
    answerDialogs('')
    page.instance.onDisputeVisit({ currentTarget: { dataset: { id: 3 } } })
    await flush()
    expect(callsTo(calls, 'POST', '/audit-visits/3/outcome')).toHaveLength(0)
    expect(wx.showToast.mock.calls[0][0].title).toBe('有异议时请写明走访情况')
  })

  test('a visit recorded elsewhere meanwhile: the server says what it was recorded as', async () => {
    installWx(routes({ 'POST /audit-visits/2/outcome': audits.outcome_refused }), { member: coordinator })
    const page = await renderPage('station/audit')
    answerDialogs('')
    await tap(page, '.confirm-visit')
    await flush()
    expect(modalTexts().pop()).toBe('提示|这次走访已经记录为「有异议（未能证实）」')
  })

  test('a disputed visit shows the reversal; the report opens as a PDF', async () => {
    const audit = { ...audits.audit, visits: [audits.outcome_disputed] }
    const { calls } = installWx(routes({ 'GET /audits/1': audit, 'GET /audits/1/report': '%PDF-1.4' }), { member: coordinator })
    const page = await renderPage('station/audit', { id: '1' })
    expect(callsTo(calls, 'GET', '/communities/1/audits')).toHaveLength(0)
    expect(text(page)).toContain('已从志愿者存折冲正这次服务的时间')
    expect(text(page)).toContain('有异议（未能证实）')
    await tap(page, '.report')
    expect(callsTo(calls, 'GET', '/audits/1/report')).toHaveLength(1)
    expect(wx.openDocument.mock.calls[0][0].fileType).toBe('pdf')
  })

  test('visits drawn for another coordinator are only counted', async () => {
    const audit = { ...audits.audit, visits: audits.audit.visits.map((v, i) => (i < 2 ? { ...v, assignee_id: 99 } : v)) }
    installWx(routes({ 'GET /audits/1': audit }), { member: coordinator })
    const page = await renderPage('station/audit')
    expect(text(page)).toContain('分给我的走访（4）')
    expect(text(page)).toContain('另有 2 条分给了服务站的其他工作人员')
  })

  test('no audits yet, and an error', async () => {
    installWx(routes({ 'GET /communities/1/audits': [] }), { member: coordinator })
    expect(text(await renderPage('station/audit'))).toContain('还没有季度检查')
    installWx(routes({ 'GET /audits/1': { status: 403, body: { code: 403, status: 'Forbidden', message: '只有本社区服务站可以查看' } } }), { member: coordinator })
    expect(text(await renderPage('station/audit'))).toContain('只有本社区服务站可以查看')
  })
})
