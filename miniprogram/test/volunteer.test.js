const { installWx, renderPage, text, tap, callsTo, fixture, flush } = require('./helpers')

function routes(over = {}) {
  return Object.assign({ 'GET /catalog': fixture('catalog') }, over)
}

describe('volunteer page (志愿者登记/档案)', () => {
  test('registration: prefilled from me, every field, separate consents off by default', async () => {
    installWx(routes({ 'GET /me': fixture('me-resident') }), { member: fixture('me-resident') })
    const page = await renderPage('volunteer')
    const t = text(page)
    expect(t).toContain('志愿者登记')
    expect(page.instance.data.form.name).toBe('王秀兰')
    expect(t).toContain('医疗健康服务队')
    expect(t).toContain('周日')
    expect(t).toContain('记录政治面貌')
    expect(t).toContain('记录健康情况')
    expect(t).toContain('未同意，不记录')
    expect(t).not.toContain('政治面貌（必填）')
  })

  test('registering posts all fields; political status only with its consent; health goes to /me', async () => {
    const { calls } = installWx(routes({
      'GET /me': fixture('me-resident'),
      'POST /volunteers': { ...fixture('volunteer'), id: 9 },
      'PATCH /me': { ...fixture('me-resident'), consent_health: true },
    }), { member: fixture('me-resident') })
    const page = await renderPage('volunteer')
    const p = page.instance
    p.onInput({ currentTarget: { dataset: { field: 'form.occupation' } }, detail: { value: '退休护士' } })
    p.onInput({ currentTarget: { dataset: { field: 'form.specialties' } }, detail: { value: '量血压' } })
    await tap(page, '.intention') // 义务维修
    await tap(page, '.team') // 医疗健康服务队
    await tap(page, '.slot') // 周一上午
    p.onPoliticalConsent({ detail: { value: true } })
    p.onPolitical({ detail: { value: 0 } })
    p.onHealthConsent({ detail: { value: true } })
    p.onInput({ currentTarget: { dataset: { field: 'form.health_needs' } }, detail: { value: '腿脚不便' } })
    await flush()
    await tap(page, '.submit')
    expect(callsTo(calls, 'POST', '/volunteers')[0].data).toEqual({
      name: '王秀兰', gender: '女', birth_date: '1954-03-08', phone: '13800000001',
      occupation: '退休护士', specialties: '量血压', intentions: ['repairs'], team_ids: [1],
      availability: [{ weekday: 1, slot: 'morning' }], consent_political: true, political_status: '中共党员', public_name: false,
    })
    expect(callsTo(calls, 'PATCH', '/me')[0].data).toEqual({ consent_health: true, health_needs: '腿脚不便' })
  })

  test('missing answers are explained before sending', async () => {
    const { calls } = installWx(routes({ 'GET /me': { ...fixture('me-resident'), phone: '', gender: '' } }), { member: fixture('me-resident') })
    const page = await renderPage('volunteer')
    await tap(page, '.submit')
    const t = text(page)
    expect(t).toContain('请选择性别')
    expect(t).toContain('请填写11位手机号')
    expect(t).toContain('请至少选一项想做的服务')
    expect(callsTo(calls, 'POST', '/volunteers')).toHaveLength(0)
  })

  test('profile: shows number and status, and saves changes with PATCH', async () => {
    const { calls } = installWx(routes({
      'GET /me': fixture('me-volunteer'),
      'GET /volunteers/1': fixture('volunteer'),
      'PATCH /volunteers/1': fixture('volunteer'),
    }), { member: fixture('me-volunteer') })
    const page = await renderPage('volunteer')
    const t = text(page)
    expect(t).toContain('HPL-00001')
    expect(t).toContain('在岗服务中')
    expect(page.instance.data.grid[6].slots[2].on).toBe(true)
    await tap(page, '.submit')
    const body = callsTo(calls, 'PATCH', '/volunteers/1')[0].data
    expect(body.intentions).toEqual(['repairs', 'hardship'])
    expect(body.team_ids).toEqual([3])
    expect(body.availability).toHaveLength(11)
    expect(body.consent_political).toBe(false)
    expect(body.political_status).toBeUndefined()
    expect(callsTo(calls, 'PATCH', '/me')).toHaveLength(0)
  })

  test('the volunteer may let notices show the full name: public_name is sent with the profile', async () => {
    const { calls } = installWx(routes({
      'GET /me': fixture('me-volunteer'),
      'GET /volunteers/1': fixture('volunteer'),
      'PATCH /volunteers/1': { ...fixture('volunteer'), public_name: true },
    }), { member: fixture('me-volunteer') })
    const page = await renderPage('volunteer')
    expect(text(page)).toContain('未同意，公告里只显示姓')
    page.instance.onPublicName({ detail: { value: true } })
    await flush()
    expect(text(page)).toContain('已同意，公告里显示全名')
    await tap(page, '.submit')
    expect(callsTo(calls, 'PATCH', '/volunteers/1')[0].data.public_name).toBe(true)
  })

  test('server reasons are shown under the fields', async () => {
    installWx(routes({
      'GET /me': fixture('me-volunteer'),
      'GET /volunteers/1': fixture('volunteer'),
      'PATCH /volunteers/1': { status: 422, body: { code: 422, status: 'x', message: '提交的内容有误', errors: { json: { phone: ['请填写11位手机号'] } } } },
    }), { member: fixture('me-volunteer') })
    const page = await renderPage('volunteer')
    await tap(page, '.submit')
    expect(text(page)).toContain('⚠ 请填写11位手机号')
  })

  test('an error loading shows the message', async () => {
    installWx(routes({ 'GET /me': { offline: true } }), { member: fixture('me-resident') })
    const page = await renderPage('volunteer')
    expect(text(page)).toContain('网络没有连上')
  })
})
