const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts, flush } = require('./helpers')

function routes() {
  return {
    'GET /catalog': fixture('catalog'),
    'GET /households/1': fixture('household'),
    'POST /requests': (c) => ({ id: 7, status: 'open', ...c.data }),
  }
}

/** Fill the need form the way a person would: taps and pickers. */
async function fill(page, { day = '2099-12-01' } = {}) {
  const form = page.querySelector('#need')
  const inst = page.instance.selectComponent('#need')
  await tap(form, '.cat') // 义务维修
  await tap(form, '.item') // 家电维修
  inst.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '洗衣机不脱水' } })
  inst.onDay({ detail: { value: day } })
  inst.onStart({ detail: { value: '14:00' } })
  inst.onEnd({ detail: { value: '16:00' } })
  await tap(form, '.estimate') // 0.5 小时
  await flush()
  return inst
}

describe('booking page (预约服务)', () => {
  test('shows the 8 categories of the menu and fills the address from the household', async () => {
    installWx(routes(), { member: fixture('me-resident') })
    const page = await renderPage('booking')
    const t = text(page)
    for (const name of ['义务维修', '义务家教', '法律援助与治安', '医疗保健', '帮困', '小区教育', '文体', '环境保护']) expect(t).toContain(name)
    expect(t).toContain('配偶 王德顺')
    expect(page.instance.selectComponent('#need').data.building).toBe('3号楼')
  })

  test('sending with nothing filled explains what is missing, and sends nothing', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-resident') })
    const page = await renderPage('booking')
    await tap(page, '.submit')
    const t = text(page)
    expect(t).toContain('请选择需要哪一类服务')
    expect(t).toContain('请简单说说需要帮什么忙')
    expect(t).toContain('请选择日期')
    expect(callsTo(calls, 'POST', '/requests')).toHaveLength(0)
  })

  test('a filled form posts the request body the API expects, then shows my requests', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-resident') })
    const page = await renderPage('booking')
    await fill(page)
    await tap(page, '.submit')
    expect(callsTo(calls, 'POST', '/requests')[0].data).toEqual({
      category_code: 'repairs',
      item_code: 'appliance_repair',
      description: '洗衣机不脱水',
      building: '3号楼',
      unit: '2单元',
      place_detail: '301室',
      window_start: '2099-12-01T14:00:00+08:00',
      window_end: '2099-12-01T16:00:00+08:00',
      estimated_minutes: 30,
      urgency: 'normal',
    })
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/requests/index' })
  })

  test('booking for a family member without a phone sends for_member_id', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-resident') })
    const page = await renderPage('booking')
    const inst = await fill(page)
    inst.onFor({ currentTarget: { dataset: { index: 0 } } })
    await tap(page, '.submit')
    expect(callsTo(calls, 'POST', '/requests')[0].data.for_member_id).toBe(2)
  })

  test("the server's reasons are shown under the fields and its message in a dialog", async () => {
    const r = routes()
    r['POST /requests'] = { status: 422, body: { code: 422, status: 'Unprocessable Entity', message: '时间段不能超过12小时', errors: { json: { window_end: ['时间段不能超过12小时'] } } } }
    installWx(r, { member: fixture('me-resident') })
    const page = await renderPage('booking')
    await fill(page)
    await tap(page, '.submit')
    expect(modalTexts()).toContain('提示|时间段不能超过12小时')
    expect(text(page)).toContain('⚠ 时间段不能超过12小时')
    expect(wx.redirectTo).not.toHaveBeenCalled()
  })

  test('a menu that cannot load shows the error and a retry', async () => {
    installWx({ 'GET /catalog': { offline: true }, 'GET /households/1': fixture('household') }, { member: fixture('me-resident') })
    const page = await renderPage('booking')
    expect(text(page)).toContain('网络没有连上')
  })
})
