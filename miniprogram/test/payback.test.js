const { installWx, renderPage, text, tap, callsTo, fixture, flush } = require('./helpers')

const eligible = { eligible: true, reason: '您已因年龄退出服务，可以申请。', available_minutes: 750, held_minutes: 60 }
const mine = [{
  id: 3, category_name: '医疗保健', item_name: '陪同就医', description: '去医院复查',
  window_start: '2026-12-01T08:30:00+08:00', window_end: '2026-12-01T11:00:00+08:00',
  estimated_minutes: 60, held_minutes: 60, status: 'claimed', status_label: '志愿者已接单', volunteer: { name: '孙丽', phone: '138****0006' },
}]

function routes(over = {}) {
  return Object.assign({
    'GET /payback-requests/eligibility': eligible,
    'GET /payback-requests': { items: mine, next_cursor: null },
    'GET /catalog': fixture('catalog'),
    'GET /households/3': { ...fixture('household'), id: 3, members: [] },
    'POST /payback-requests': (c) => ({ id: 4, status: 'open', status_label: '等待志愿者接单', held_minutes: c.data.estimated_minutes }),
    'POST /payback-requests/3/cancel': { id: 3, status: 'cancelled', status_label: '已取消' },
  }, over)
}
const retired = () => ({ ...fixture('me-retired'), household_id: 3 })

describe('payback page (优先回馈)', () => {
  test('explains eligibility with available and held hours, and lists my requests', async () => {
    installWx(routes(), { member: retired() })
    const page = await renderPage('payback')
    const t = text(page)
    expect(t).toContain('✓ 您可以申请优先回馈')
    expect(t).toContain('您已因年龄退出服务，可以申请。')
    expect(t).toContain('12.5 小时')
    expect(t).toContain('1.0 小时')
    expect(t).toContain('陪同就医')
    expect(t).toContain('孙丽')
    expect(t).toContain('✓志愿者已接单')
  })

  test('not eligible: the reason in words and no form', async () => {
    installWx(routes({ 'GET /payback-requests/eligibility': { eligible: false, reason: '只有退出服务的志愿者才能申请', available_minutes: 0, held_minutes: 0 } }), { member: retired() })
    const page = await renderPage('payback')
    expect(text(page)).toContain('✕ 暂时还不能申请')
    expect(text(page)).toContain('只有退出服务的志愿者才能申请')
    expect(page.querySelector('.open-form')).toBeFalsy()
  })

  test('creating a payback request shows the hours to hold, asks, and posts the body', async () => {
    const { calls } = installWx(routes(), { member: retired() })
    const page = await renderPage('payback')
    await tap(page, '.open-form')
    const form = page.querySelector('#need')
    const inst = page.instance.selectComponent('#need')
    await tap(form, '.cat')
    await tap(form, '.item')
    inst.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '帮忙修水龙头' } })
    inst.onDay({ detail: { value: '2099-12-01' } })
    inst.onStart({ detail: { value: '09:00' } })
    inst.onEnd({ detail: { value: '11:00' } })
    const chips = form.querySelectorAll('.estimate')
    chips[3].dispatchEvent('tap') // 2.0 小时
    await flush()
    expect(text(page)).toContain('提交后将冻结 2.0 小时')
    await tap(page, '.submit')
    expect(wx.showModal.mock.calls[0][0].content).toContain('2.0 小时')
    const body = callsTo(calls, 'POST', '/payback-requests')[0].data
    expect(body).toEqual({
      category_code: 'repairs', item_code: 'appliance_repair', description: '帮忙修水龙头',
      building: '3号楼', unit: '2单元', place_detail: '301室',
      window_start: '2099-12-01T09:00:00+08:00', window_end: '2099-12-01T11:00:00+08:00', estimated_minutes: 120,
    })
    expect(callsTo(calls, 'GET', '/payback-requests/eligibility')).toHaveLength(2)
  })

  test('applying for a family member checks that member again, and the answer decides whether it can be sent', async () => {
    const rights = fixture('data-rights')
    const grandpaEligible = { ...rights.eligibility_member, eligible: true, reason: '王德顺年满60岁，可以申请。' }
    let forGrandpa = rights.eligibility_member
    const { calls } = installWx(routes({
      'GET /payback-requests/eligibility': (c) => (c.query.member_id === '2' ? forGrandpa : rights.eligibility_self),
      'GET /households/1': fixture('household'),
      'GET /payback-requests': { items: [], next_cursor: null },
    }), { member: fixture('me-resident') })
    const page = await renderPage('payback')
    expect(text(page)).toContain('✕ 暂时还不能申请')
    await tap(page, '.open-form') // a family member may still be the one to apply for
    const form = page.querySelector('#need')
    const pick = async (i) => { // 0: 我自己, 1: 王德顺
      form.querySelectorAll('.who')[i].dispatchEvent('tap')
      await flush()
    }
    await pick(1)
    expect(callsTo(calls, 'GET', '/payback-requests/eligibility').map((c) => c.query.member_id)).toEqual([undefined, '2'])
    expect(text(page)).toContain('✕ 王德顺暂时还不能申请')
    expect(text(page)).toContain('这位家人还没有登记志愿者')
    expect(page.querySelector('.submit')).toBeFalsy() // no button that cannot work
    await page.instance.onSubmit()
    expect(callsTo(calls, 'POST', '/payback-requests')).toHaveLength(0)

    forGrandpa = grandpaEligible
    await pick(0)
    await pick(1)
    expect(text(page)).toContain('✓ 可以为王德顺申请优先回馈')
    expect(page.querySelector('.submit')).toBeTruthy()
  })

  test('cancelling asks first and posts the cancel', async () => {
    const { calls } = installWx(routes(), { member: retired() })
    const page = await renderPage('payback')
    await tap(page, '.cancel')
    expect(callsTo(calls, 'POST', '/payback-requests/3/cancel')).toHaveLength(1)
  })

  test('an error loading shows the server message', async () => {
    installWx(routes({ 'GET /payback-requests/eligibility': { status: 403, body: { code: 403, status: 'Forbidden', message: '只有志愿者可以查看' } } }), { member: retired() })
    const page = await renderPage('payback')
    expect(text(page)).toContain('只有志愿者可以查看')
  })

  describe('who in the household may redeem (from the live API shape, fixtures/payback.json)', () => {
    const fx = fixture('payback')
    // 王秀兰's household, as the API answers it, with a son who still banks (the volunteer's line).
    const household = {
      ...fx.resident,
      available_minutes: 600,
      members: [...fx.resident.members, { ...fx.volunteer.members[0], member_id: 5, name: '王小军', relation: '儿子' }],
    }
    const asResident = (over = {}) => installWx(routes({
      'GET /payback-requests/eligibility': household,
      'GET /households/1': fixture('household'),
      'GET /payback-requests': { items: [], next_cursor: null },
      ...over,
    }), { member: fixture('me-resident') })

    test('lists everyone with relation and the reasons in words; who may not is greyed with why', async () => {
      asResident()
      const page = await renderPage('payback')
      const t = text(page)
      expect(t).toContain('家里谁可以申请')
      expect(t).toContain('王德顺 · 配偶')
      expect(t).toContain('✓ 年满60岁')
      expect(t).toContain('王小军 · 儿子')
      expect(t).toContain('✕ 在岗志愿者，未满60岁，先继续存时间')
      expect(t).not.toContain('老志愿者退出服务后')
      const cards = page.querySelectorAll('.member')
      expect(cards).toHaveLength(3)
      expect(cards.map((c) => c.dom.className.indexOf('grey') >= 0)).toEqual([false, false, true])
      expect(page.querySelectorAll('.apply-for')).toHaveLength(2) // no button for the son
    })

    test('a hardship case reads 兜底对象（孤寡）', async () => {
      installWx(routes({ 'GET /payback-requests/eligibility': fx.hardship }), { member: retired() })
      const page = await renderPage('payback')
      expect(text(page)).toContain('✓ 兜底对象（孤寡）')
      expect(page.querySelectorAll('.apply-for')).toHaveLength(1)
    })

    test('为TA申请 → 提交申请 → 确认申请: three taps send a request for that member', async () => {
      const { calls } = asResident()
      const page = await renderPage('payback')
      let taps = 0
      const press = async (el) => { taps += 1; el.dispatchEvent('tap'); await flush() }
      await press(page.querySelectorAll('.apply-for')[0]) // 王德顺, the first card
      expect(text(page)).toContain('✓ 可以为王德顺申请优先回馈')
      const form = page.querySelector('#need')
      expect(form.querySelectorAll('.who')).toHaveLength(0) // already set: no chooser to get wrong
      // The need itself is filled in (what, when, how long), then:
      const inst = page.instance.selectComponent('#need')
      inst.onCategory({ currentTarget: { dataset: { index: 0 } } })
      inst.onItem({ currentTarget: { dataset: { index: 0 } } })
      inst.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '陪老伴去医院' } })
      inst.onDay({ detail: { value: '2099-12-01' } })
      inst.onStart({ detail: { value: '09:00' } })
      inst.onEnd({ detail: { value: '11:00' } })
      inst.onEstimate({ currentTarget: { dataset: { minutes: 60 } } })
      await flush()
      await press(page.querySelector('.submit')) // 提交申请; the dialog's 确认申请 is the third tap
      taps += wx.showModal.mock.calls.length
      expect(taps).toBeLessThanOrEqual(3)
      const sent = callsTo(calls, 'POST', '/payback-requests')
      expect(sent).toHaveLength(1)
      expect(sent[0].data.for_member_id).toBe(2)
      expect(sent[0].data.estimated_minutes).toBe(60)
      expect(callsTo(calls, 'GET', '/payback-requests/eligibility')).toHaveLength(2) // the list again after sending
    })

    test('为TA申请 for myself sends no for_member_id', async () => {
      const { calls } = asResident()
      const page = await renderPage('payback')
      page.querySelectorAll('.apply-for')[1].dispatchEvent('tap') // 王秀兰 本人
      await flush()
      expect(text(page)).toContain('✓ 您可以申请优先回馈')
      const inst = page.instance.selectComponent('#need')
      inst.onCategory({ currentTarget: { dataset: { index: 0 } } })
      inst.onItem({ currentTarget: { dataset: { index: 0 } } })
      inst.onInput({ currentTarget: { dataset: { field: 'description' } }, detail: { value: '量血压' } })
      inst.onDay({ detail: { value: '2099-12-01' } })
      inst.onStart({ detail: { value: '09:00' } })
      inst.onEnd({ detail: { value: '11:00' } })
      inst.onEstimate({ currentTarget: { dataset: { minutes: 60 } } })
      await flush()
      await tap(page, '.submit')
      const body = callsTo(calls, 'POST', '/payback-requests')[0].data
      expect(body.for_member_id).toBeUndefined()
    })
  })
})
