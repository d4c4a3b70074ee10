const { installWx, renderPage, renderComponent, text, tap, callsTo, fixture, flush, modalTexts, answerDialogs } = require('./helpers')
const view = require('../utils/notice')

const notices = fixture('notices')
const resident = fixture('me-resident')
const coordinator = fixture('me-coordinator')

describe('notices list (公告)', () => {
  test('newest first, whether objections are open, in words', async () => {
    installWx({ 'GET /notices': { items: notices.list, next_cursor: null } }, { member: resident })
    const page = await renderPage('notices')
    const t = text(page)
    expect(t).toContain('和平里社区星级志愿者评定公示（2026年11月29日）')
    expect(t).toContain('✎ 可以提出异议，到2026年12月6日为止')
    expect(t).toContain('■ 公示已于2026年10月9日结束')
    expect(t).toContain('季度志愿服务公示')
    await tap(page, '.notice')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/notices/detail?id=2' })
  })

  test('the station opens a notice with its objections', async () => {
    installWx({ 'GET /notices': { items: notices.list, next_cursor: null } }, { member: coordinator })
    const page = await renderPage('notices')
    await tap(page, '.notice')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/station/notice?id=2' })
  })

  test('none yet, and an error', async () => {
    installWx({ 'GET /notices': { items: [], next_cursor: null } }, { member: resident })
    expect(text(await renderPage('notices'))).toContain('还没有公告')
    installWx({ 'GET /notices': { offline: true } }, { member: resident })
    expect(text(await renderPage('notices'))).toContain('网络没有连上')
  })
})

describe('notice detail (公告详情)', () => {
  test('the quarter: totals by team and category, volunteers\' hours with masked names, the awards', async () => {
    installWx({ 'GET /notices/1': notices.quarterly_resident }, { member: resident })
    const page = await renderPage('notices/detail', { id: '1' })
    const t = text(page)
    expect(t).toContain('和平里社区2026年第3季度志愿服务公示')
    expect(t).toContain('65.0 小时')
    expect(t).toContain('居家养老服务队53.0 小时 · 2人')
    expect(t).toContain('义务维修41.0 小时 · 19次')
    expect(t).toContain('李**41.0 小时 · 19次')
    expect(t).toContain('孙* · 一星志愿者')
    expect(t).toContain('公示/待审批')
    expect(t).toContain('公示期已经结束，不能再提出异议')
    expect(page.querySelector('.object')).toBeFalsy()
  })

  test('objecting while the notice is open: a reason is asked for, then posted with the award', async () => {
    const { calls } = installWx({
      'GET /notices/2': notices.awards_resident,
      'POST /notices/2/objections': notices.objection_created,
    }, { member: resident })
    const page = await renderPage('notices/detail', { id: '2' })
    expect(text(page)).toContain('周* · 一星志愿者')
    await tap(page, '.object')
    await tap(page, '.submit-objection')
    expect(text(page)).toContain('请写清楚理由，至少4个字')
    expect(callsTo(calls, 'POST', '/notices/2/objections')).toHaveLength(0)
    page.instance.onInput({ currentTarget: { dataset: { field: 'reason' } }, detail: { value: '周老师这一年大多在外地，时间可能记多了' } })
    await tap(page, '.submit-objection')
    expect(wx.showModal.mock.calls[0][0].content).toContain('服务站会核实')
    expect(callsTo(calls, 'POST', '/notices/2/objections')[0].data).toEqual({ award_id: 3, reason: '周老师这一年大多在外地，时间可能记多了' })
    expect(text(page)).toContain('✓ 您已提出异议，服务站会核实')
  })

  test('objecting twice: the server\'s words are shown', async () => {
    installWx({ 'GET /notices/2': notices.awards_resident, 'POST /notices/2/objections': notices.objection_again }, { member: resident })
    const page = await renderPage('notices/detail', { id: '2' })
    await tap(page, '.object')
    page.instance.onInput({ currentTarget: { dataset: { field: 'reason' } }, detail: { value: '再提一次异议试试' } })
    await tap(page, '.submit-objection')
    expect(modalTexts()).toContain('提示|您已经对这项评定提出过异议')
    expect(text(page)).toContain('⚠ 您已经对这项评定提出过异议')
  })

  test('a notice that cannot be read says why', async () => {
    installWx({}, { member: resident })
    expect(text(await renderPage('notices/detail', { id: '9' }))).toContain('找不到这条记录')
  })
})

describe('station notice (服务站 · 公告和异议)', () => {
  const routes = (over = {}) => Object.assign({
    'GET /notices/1': notices.quarterly_coordinator,
    'GET /notices/1/objections': notices.objections,
    'GET /communities/1/star-awards': fixture('stars').awards,
  }, over)

  test('the objections first, each with its award, then the awards with their open objections', async () => {
    installWx(routes(), { member: coordinator })
    const page = await renderPage('station/notice', { id: '1' })
    const t = text(page)
    expect(t).toContain('居民异议（1 条待处理）')
    expect(t).toContain('对 孙丽（HPL-00003） · 一星，2026年度 12.0 小时')
    expect(t).toContain('王秀兰')
    expect(t).toContain('8月那次陪同就医')
    expect(t).toContain('!待处理')
    expect(t).toContain('! 1 条异议待处理')
  })

  test('without the awards list the notice\'s masked name is shown', async () => {
    installWx(routes({ 'GET /communities/1/star-awards': { offline: true } }), { member: coordinator })
    expect(text(await renderPage('station/notice', { id: '1' }))).toContain('对 孙* · 一星，2026年度 12.0 小时')
  })

  test('dismissing asks what was checked and posts the decision with the note', async () => {
    const { calls } = installWx(routes({ 'POST /objections/1/resolution': notices.resolution }), { member: coordinator })
    const page = await renderPage('station/notice', { id: '1' })
    answerDialogs('查看了签到记录和见证确认，服务时长属实')
    await tap(page, '.dismiss')
    await flush()
    expect(wx.showModal.mock.calls[0][0].title).toBe('异议不成立')
    expect(callsTo(calls, 'POST', '/objections/1/resolution')[0].data).toEqual({ decision: 'dismissed', note: '查看了签到记录和见证确认，服务时长属实' })
  })

  test('an objection already resolved elsewhere: the server says so', async () => {
    installWx(routes({ 'POST /objections/1/resolution': notices.resolution_again }), { member: coordinator })
    const page = await renderPage('station/notice', { id: '1' })
    answerDialogs('核实属实')
    await tap(page, '.uphold')
    await flush()
    expect(modalTexts().pop()).toBe('提示|这条异议已经处理过了')
  })

  test('without an id it shows the list; an error loading says why', async () => {
    installWx({}, { member: coordinator })
    await renderPage('station/notice', {})
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/notices/index' })
    installWx(routes({ 'GET /notices/1/objections': { status: 403, body: { code: 403, status: 'Forbidden', message: '只有本社区服务站可以查看' } } }), { member: coordinator })
    expect(text(await renderPage('station/notice', { id: '1' }))).toContain('只有本社区服务站可以查看')
  })
})

describe('notice-body component', () => {
  test('the head alone, or the figures alone', async () => {
    installWx({})
    const notice = view.full(notices.quarterly_resident)
    const head = await renderComponent('notice-body', { notice, part: 'head' })
    expect(text(head)).toContain('2026年第3季度')
    expect(text(head)).not.toContain('各服务队')
    const figures = await renderComponent('notice-body', { notice, part: 'figures' })
    expect(text(figures)).toContain('各服务队')
    expect(text(figures)).not.toContain('公示已于')
  })
})
