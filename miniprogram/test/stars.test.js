const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts, answerDialogs } = require('./helpers')

const stars = fixture('stars')
// The fixtures were captured on 29 November 2026: 周文's notice is open until 6 December.
const NOW = Date.parse('2026-11-29T17:00:00+08:00')
const volunteer = fixture('me-volunteer')
const coordinator = fixture('me-coordinator')

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW)
})
afterEach(() => {
  jest.restoreAllMocks()
})

describe('stars page (我的星级)', () => {
  test('this year beside the national level, the levels, and the approved award with its certificate', async () => {
    installWx({ 'GET /me/stars': stars.volunteer }, { member: volunteer })
    const page = await renderPage('stars')
    const t = text(page)
    expect(t).toContain('2026年度服务')
    expect(t).toContain('44.0小时')
    expect(t).toContain('★★☆☆☆')
    expect(t).toContain('社区星级：二星')
    expect(t).toContain('全国星级：还没有（满 100 小时为一星）')
    expect(t).toContain('再服务 6.0 小时，就够三星')
    expect(t).toContain('再累计 56.0 小时，就够一星')
    expect(t).toContain('2026年度服务（1月1日—12月31日）')
    expect(t).toContain('已评定，证书已发')
    expect(t).toContain('LB2026-VTQU-EYCF-S24B-37DL')
    expect(t).toContain('/certificates/LB2026-VTQU-EYCF-S24B-37DL/verify')
    // The levels: 10 and 25 hours reached, 50 not yet; the national 100 hours not yet.
    const rows = page.instance.data.s.year.levels
    expect(rows.map((r) => r.text)).toEqual(['✓ 已达到', '✓ 已达到', '还差 6.0 小时', '还差 56.0 小时', '还差 156.0 小时'])
    expect(page.instance.data.s.national.levels[0]).toMatchObject({ hours: '100 小时', reached: false })
    // Two stars are approved already: nothing to apply for.
    expect(page.querySelector('.apply')).toBeFalsy()
  })

  test('the certificate is downloaded with my token and opened as a PDF; the link can be copied', async () => {
    const { calls } = installWx({ 'GET /me/stars': stars.volunteer, 'GET /star-awards/1/certificate': '%PDF-1.4 …' }, { member: volunteer })
    const page = await renderPage('stars')
    await tap(page, '.certificate')
    const download = callsTo(calls, 'GET', '/star-awards/1/certificate')[0]
    expect(download.header.Authorization).toBe('Bearer test-token')
    expect(wx.openDocument.mock.calls[0][0]).toMatchObject({ fileType: 'pdf', showMenu: true })
    await tap(page, '.copy-link')
    expect(wx.setClipboardData.mock.calls[0][0].data).toBe(stars.volunteer.awards[0].verification_url)
  })

  test('a certificate the server refuses shows its message', async () => {
    installWx({
      'GET /me/stars': stars.volunteer,
      'GET /star-awards/1/certificate': { status: 404, body: { code: 404, status: 'Not Found', message: '找不到这条记录，或者您无权查看' } },
    }, { member: volunteer })
    const page = await renderPage('stars')
    await tap(page, '.certificate')
    expect(wx.openDocument).not.toHaveBeenCalled()
    expect(modalTexts()).toContain('提示|找不到这条记录，或者您无权查看')
  })

  test('an award in its notice says until when; one with an objection says the station is checking', async () => {
    installWx({ 'GET /me/stars': stars.teacher }, { member: volunteer })
    const teacher = await renderPage('stars')
    expect(text(teacher)).toContain('正在公示')
    expect(text(teacher)).toContain('公示到 2026年12月6日')
    installWx({ 'GET /me/stars': stars.nurse }, { member: volunteer })
    expect(text(await renderPage('stars'))).toContain('有居民异议，服务站核实中')
  })

  test('applying asks in plain words, posts an empty body and reads the page again', async () => {
    const unapplied = { ...stars.teacher, awards: [] }
    const { calls } = installWx({ 'GET /me/stars': unapplied, 'POST /me/star-applications': stars.applied }, { member: volunteer })
    const page = await renderPage('stars')
    await tap(page, '.apply')
    expect(wx.showModal.mock.calls[0][0].title).toBe('申请评定一星')
    expect(wx.showModal.mock.calls[0][0].content).toContain('公示 7 天')
    expect(callsTo(calls, 'POST', '/me/star-applications')[0].data).toEqual({})
    expect(callsTo(calls, 'GET', '/me/stars')).toHaveLength(2)
  })

  test('a refused application shows the server message as is', async () => {
    installWx({ 'GET /me/stars': { ...stars.teacher, awards: [] }, 'POST /me/star-applications': stars.apply_refused }, { member: volunteer })
    const page = await renderPage('stars')
    await tap(page, '.apply')
    expect(modalTexts()).toContain('提示|2026年度累计服务0.0小时，满10小时才能申请一星')
    expect(wx.showToast).not.toHaveBeenCalled()
  })

  test('no hours yet: no stars, every level still ahead, no apply button', async () => {
    installWx({ 'GET /me/stars': stars.retired }, { member: volunteer })
    const page = await renderPage('stars')
    expect(text(page)).toContain('社区星级：还没有（满 10 小时为一星）')
    expect(text(page)).toContain('还没有评定')
    expect(page.querySelector('.apply')).toBeFalsy()
  })

  test('someone who is not a volunteer sees why', async () => {
    installWx({ 'GET /me/stars': { status: 403, body: { code: 403, status: 'Forbidden', message: '只有志愿者可以查看星级' } } }, { member: fixture('me-resident') })
    expect(text(await renderPage('stars'))).toContain('只有志愿者可以查看星级')
  })
})

describe('station stars (服务站 · 星级评定)', () => {
  const routes = (over = {}) => Object.assign({
    'GET /communities/1/star-awards': stars.awards,
    'GET /communities/1/stars': stars.community,
  }, over)

  test('waiting awards with where each stands, the decided ones, and every volunteer beside the national level', async () => {
    installWx(routes(), { member: coordinator })
    const page = await renderPage('station/stars')
    const t = text(page)
    expect(page.instance.data.waiting.map((a) => a.name)).toEqual(['周文', '孙丽'])
    expect(t).toContain('有 1 条居民异议，先去处理')
    expect(t).toContain('正在公示')
    expect(t).toContain('LB2026-VTQU-EYCF-S24B-37DL')
    expect(t).toContain('张桂芳')
    expect(t).toContain('累计（全国）：44.0 小时 · 还没有星级')
  })

  test('approving too early: the server says until when, and nothing is said to be done', async () => {
    const { calls } = installWx(routes({ 'POST /star-awards/3/approval': stars.approval_refused_period }), { member: coordinator })
    const page = await renderPage('station/stars')
    await tap(page, '.approve')
    expect(wx.showModal.mock.calls[0][0].content).toContain('周文（HPL-00004），2026年度12.0 小时，评为一星志愿者')
    expect(callsTo(calls, 'POST', '/star-awards/3/approval')).toHaveLength(1)
    expect(modalTexts()).toContain('提示|公示期到2026年12月06日 16:34结束，之后才能批准')
    expect(wx.showToast).not.toHaveBeenCalled()
  })

  test('approving after the notice period issues the certificate; rejecting asks why', async () => {
    const { calls } = installWx(routes({
      'POST /star-awards/2/approval': stars.approval,
      'POST /star-awards/3/rejection': stars.rejection,
    }), { member: coordinator })
    const page = await renderPage('station/stars', { award: '2' })
    expect(page.instance.data.waiting[0]).toMatchObject({ id: 2, focused: true })
    await tap(page, '.approve')
    expect(callsTo(calls, 'POST', '/star-awards/2/approval')).toHaveLength(1)
    expect(wx.showToast.mock.calls[0][0].title).toBe('已批准，证书已发')
    answerDialogs('核实后服务时间有误')
    page.instance.onReject({ currentTarget: { dataset: { id: 3 } } })
    await new Promise((r) => setTimeout(r, 0))
    await new Promise((r) => setTimeout(r, 0))
    expect(callsTo(calls, 'POST', '/star-awards/3/rejection')[0].data).toEqual({ reason: '核实后服务时间有误' })
  })

  test('a list that fails to load says why', async () => {
    installWx(routes({ 'GET /communities/1/stars': { offline: true } }), { member: coordinator })
    expect(text(await renderPage('station/stars'))).toContain('网络没有连上')
  })
})
