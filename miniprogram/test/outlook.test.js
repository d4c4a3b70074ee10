const { installWx, renderPage, text, tap, fixture } = require('./helpers')

const textOf = (el) => el.dom.textContent.replace(/\s+/g, ' ').trim()

const coordinator = fixture('me-coordinator')
const outlook = fixture('outlook') // 幸福苑, captured from the demo: red, few young volunteers

describe('outlook (兑付能力预警)', () => {
  test('the red outlook: the warning, whom to recruit, every year and every assumption in the server\'s words', async () => {
    installWx({ [`GET /communities/${coordinator.community_id}/outlook`]: outlook }, { member: coordinator })
    const page = await renderPage('station/outlook')
    const t = text(page)
    expect(textOf(page.querySelector('.verdict'))).toBe(`! ${outlook.warning.status_text}`)
    expect(textOf(page.querySelector('.message'))).toBe(outlook.warning.message)
    expect(textOf(page.querySelector('.recruit'))).toBe(`建议招募${outlook.warning.recruit_bands.join('、')}`)
    expect(page.querySelectorAll('.year')).toHaveLength(10)
    const first = outlook.years[0]
    expect(textOf(page.querySelector('.year'))).toContain(`${first.year}${first.demand_text}${first.supply_text}${first.coverage_text} ${first.status_text}`)
    expect(page.querySelectorAll('.short')).toHaveLength(outlook.years.filter((y) => y.status === 'short').length)
    for (const a of outlook.assumptions) expect(t).toContain(a.text)
    // Only the bands that have volunteers or are to recruit from: here the 30–44 band and the under-30s.
    expect(page.querySelectorAll('.band')).toHaveLength(outlook.bands.filter((b) => b.volunteers || b.recruit).length)
    expect(page.querySelectorAll('.recruit-band')).toHaveLength(outlook.warning.recruit_bands.length)
  })

  test('a green outlook says so and names nobody to recruit', async () => {
    const green = {
      ...outlook,
      warning: { status: 'green', status_text: '正常', first_short_year: null, lowest_coverage_percent: 200, recruit_bands: [], message: '未来5年志愿服务预计够兑付，最低的一年是需求的200%。' },
      years: outlook.years.map((y) => ({ ...y, status: 'enough', status_text: '够用', coverage_text: '200%' })),
      bands: outlook.bands.map((b) => ({ ...b, recruit: false })),
    }
    installWx({ [`GET /communities/${coordinator.community_id}/outlook`]: green }, { member: coordinator })
    const page = await renderPage('station/outlook')
    const t = text(page)
    expect(textOf(page.querySelector('.verdict'))).toBe('✓ 正常')
    expect(t).toContain('最低的一年是需求的200%')
    expect(page.querySelector('.recruit')).toBeFalsy()
    expect(page.querySelectorAll('.recruit-band')).toHaveLength(0)
    expect(page.querySelectorAll('.short')).toHaveLength(0)
  })

  test('elder mode enlarges the page; an error shows the server\'s message', async () => {
    const { storage } = installWx({ [`GET /communities/${coordinator.community_id}/outlook`]: outlook }, { member: coordinator })
    storage.set('lb_elder_mode', true)
    const page = await renderPage('station/outlook')
    expect(page.dom.firstChild.className).toContain('elder')
    installWx({ [`GET /communities/${coordinator.community_id}/outlook`]: { status: 404, body: { code: 404, status: 'Not Found', message: '没有找到' } } }, { member: coordinator })
    expect(text(await renderPage('station/outlook'))).toContain('没有找到')
  })

  test('the desk shows the warning card while the outlook is red, and the card opens the outlook', async () => {
    installWx({ 'GET /desk': fixture('desk') }, { member: coordinator })
    const page = await renderPage('station')
    const warning = fixture('desk').outlook_warning
    const card = textOf(page.querySelector('.outlook-warning'))
    expect(card).toContain(`! 兑付能力${warning.status_text}`)
    expect(card).toContain(warning.message)
    await tap(page, '.outlook-warning')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/station/outlook' })
  })

  test('no card when the outlook is green (null)', async () => {
    installWx({ 'GET /desk': { ...fixture('desk'), outlook_warning: null } }, { member: coordinator })
    const page = await renderPage('station')
    expect(page.querySelector('.outlook-warning')).toBeFalsy()
    expect(text(page)).toContain('兑付预警') // the link tile stays
  })
})
