const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts, answerDialogs } = require('./helpers')

const coordinator = fixture('me-coordinator')
const volunteer = fixture('me-volunteer')
const resident = fixture('me-resident')

function signed(a, party, memberId, by) {
  return {
    ...a,
    signatures: a.signatures.map((s) => (s.party === party && (memberId === undefined || s.member_id === memberId)
      ? { ...s, member_name: by || s.member_name, signed_at: '2026-11-30T10:00:00+08:00', signed_by_name: by || s.member_name } : s)),
  }
}

describe('agreements list (帮扶协议)', () => {
  test('shows each agreement with its schedule, signatures counted, and the ones waiting for me first', async () => {
    const other = { ...fixture('agreement'), id: 2, status: 'active', status_label: '执行中', my_party: null, recipient_name: '张桂芳' }
    installWx({ 'GET /agreements': { items: [other, fixture('agreement')], next_cursor: null } }, { member: volunteer })
    const page = await renderPage('agreements')
    const t = text(page)
    expect(t).toContain('有 1 份协议等您签署')
    expect(t).toContain('王德顺 · 帮困')
    expect(t).toContain('每周二 15:00，1.0 小时')
    expect(t).toContain('签字 1/4')
    expect(t).toContain('✎待签署')
    expect(t).toContain('▶执行中')
    expect(page.instance.data.items[0].id).toBe(1)
    expect(t).not.toContain('起草新协议')
  })

  test('the station sees the draft and file buttons; empty and error states', async () => {
    installWx({ 'GET /agreements': { items: [], next_cursor: null } }, { member: coordinator })
    const page = await renderPage('agreements')
    expect(text(page)).toContain('起草新协议')
    expect(text(page)).toContain('还没有帮扶协议')
    installWx({ 'GET /agreements': { status: 500, body: { code: 500, status: 'Error', message: '服务暂时不可用' } } }, { member: coordinator })
    expect(text(await renderPage('agreements'))).toContain('服务暂时不可用')
  })
})

describe('agreement detail (协议详情)', () => {
  test('shows the parties and who signed, and the volunteer signs as a volunteer with no body', async () => {
    const a = fixture('agreement')
    const { calls } = installWx({ 'GET /agreements/1': a, 'POST /agreements/1/sign': signed(a, 'volunteer', 3) }, { member: volunteer })
    const page = await renderPage('agreements/detail', { id: '1' })
    const t = text(page)
    expect(t).toContain('服务对象王德顺✓ 已签')
    expect(t).toContain('✓ 已签 11月29日（王秀兰代签）')
    expect(t).toContain('○ 还没签')
    expect(t).toContain('每周五 09:30，1.5 小时')
    expect(t).toContain('从 2026年11月29日到 2027年2月27日')
    expect(t).toContain('我是志愿者，签署协议')
    await tap(page, '.sign')
    expect(callsTo(calls, 'POST', '/agreements/1/sign')[0].data).toEqual({})
    expect(modalTexts()[0]).toContain('我是志愿者，签署协议：王德顺，帮困')
    expect(text(page)).toContain('您已在11月30日签署')
    expect(page.querySelector('.sign')).toBeFalsy()
  })

  test('a family member signs for the recipient and the button says so', async () => {
    const a = { ...fixture('agreement'), my_party: 'recipient', signatures: fixture('agreement').signatures.map((s) => ({ ...s, signed_at: null, signed_by_name: null })) }
    installWx({ 'GET /agreements/1': a }, { member: resident })
    const page = await renderPage('agreements/detail', { id: '1' })
    expect(text(page)).toContain('我是王德顺的家人，代他签署')
  })

  test('the station signs last: before that it is told why it cannot yet', async () => {
    const a = { ...fixture('agreement'), my_party: 'coordinator' }
    installWx({ 'GET /agreements/1': a }, { member: coordinator })
    const page = await renderPage('agreements/detail', { id: '1' })
    expect(page.querySelector('.sign')).toBeFalsy()
    expect(text(page)).toContain('服务对象和志愿者都签了以后，服务站再签')
  })

  test('when everyone else signed, the station countersigns and the agreement is active', async () => {
    const all = signed(signed(fixture('agreement'), 'volunteer', 3), 'volunteer', 6)
    const a = { ...all, my_party: 'coordinator' }
    const active = { ...signed(a, 'coordinator', undefined, '赵敏'), status: 'active', status_label: '执行中' }
    const { calls } = installWx({ 'GET /agreements/1': a, 'POST /agreements/1/sign': active }, { member: coordinator })
    const page = await renderPage('agreements/detail', { id: '1' })
    expect(text(page)).toContain('服务站最后签署，协议生效')
    await tap(page, '.sign')
    expect(callsTo(calls, 'POST', '/agreements/1/sign')).toHaveLength(1)
    expect(text(page)).toContain('▶执行中')
    expect(text(page)).toContain('服务站赵敏✓ 已签 11月30日')
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '协议已生效' }))
  })

  test('the station suspends an active agreement with a note, and renews it with a new end date', async () => {
    const a = { ...fixture('agreement'), status: 'active', status_label: '执行中', my_party: 'coordinator' }
    const { calls } = installWx({
      'GET /agreements/1': a,
      'POST /agreements/1/status': (call) => ({ ...a, ...(call.data.action === 'suspend' ? { status: 'suspended', status_label: '已暂停' } : { status: 'active', status_label: '执行中' }), end_date: call.data.end_date || a.end_date }),
    }, { member: coordinator })
    answerDialogs('志愿者生病')
    const page = await renderPage('agreements/detail', { id: '1' })
    await tap(page, '.suspend')
    expect(callsTo(calls, 'POST', '/agreements/1/status')[0].data).toEqual({ action: 'suspend', note: '志愿者生病' })
    expect(text(page)).toContain('‖已暂停')
    page.instance.onRenewDate({ detail: { value: '2027-06-30' } })
    await tap(page, '.renew')
    expect(callsTo(calls, 'POST', '/agreements/1/status')[1].data).toEqual({ action: 'renew', end_date: '2027-06-30' })
  })

  test('a refusal shows the server message; a missing agreement shows the error state', async () => {
    const a = fixture('agreement')
    installWx({ 'GET /agreements/1': a, 'POST /agreements/1/sign': { status: 409, body: { code: 409, status: 'Conflict', message: '您已经签过了' } } }, { member: volunteer })
    const page = await renderPage('agreements/detail', { id: '1' })
    await tap(page, '.sign')
    expect(wx.showModal.mock.calls.map((c) => c[0].content)).toContain('您已经签过了')
    installWx({}, { member: volunteer })
    expect(text(await renderPage('agreements/detail', { id: '9' }))).toContain('找不到这条记录')
  })
})

describe('agreement draft (起草协议)', () => {
  const routes = () => ({
    'GET /recipient-files': fixture('recipient-files'),
    'GET /catalog': fixture('catalog'),
    'GET /volunteers': fixture('volunteers'),
    'POST /agreements': { ...fixture('agreement'), id: 5 },
  })

  test('says what is missing before sending', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('agreements/form')
    await tap(page, '.submit')
    const t = text(page)
    expect(t).toContain('请选择服务对象的档案')
    expect(t).toContain('请至少选一天')
    expect(t).toContain('请至少选一名志愿者')
    expect(callsTo(calls, 'POST', '/agreements')).toHaveLength(0)
    expect(callsTo(calls, 'GET', '/volunteers')[0].query).toEqual({ status: 'active', limit: '100' })
  })

  test('sends the file, items, weekly schedule, dates and volunteers, then opens the agreement', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('agreements/form', { file: '1' })
    const p = page.instance
    expect(text(page)).toContain('王德顺：行动不便')
    await tap(page, '.cat') // 义务维修 is first; choose 帮困 instead
    p.onCategory({ currentTarget: { dataset: { index: 4 } } })
    p.onItem({ currentTarget: { dataset: { index: 1 } } }) // companionship
    p.onInput({ currentTarget: { dataset: { field: 'content' } }, detail: { value: '每周陪王爷爷聊天' } })
    p.onInput({ currentTarget: { dataset: { field: 'place' } }, detail: { value: '3号楼2单元301' } })
    p.onDayToggle({ currentTarget: { dataset: { index: 1 } } }) // 周二
    p.onDayStart({ currentTarget: { dataset: { index: 1 } }, detail: { value: '15:00' } })
    p.onDayLength({ currentTarget: { dataset: { index: 1, minutes: 90 } } })
    p.onStartDate({ detail: { value: '2026-12-01' } })
    p.onEndDate({ detail: { value: '2027-02-28' } })
    p.onVolunteer({ currentTarget: { dataset: { index: 0 } } })
    await p.onSubmit()
    expect(callsTo(calls, 'POST', '/agreements')[0].data).toEqual({
      recipient_file_id: 1, category_code: 'hardship', item_codes: ['companionship'], content: '每周陪王爷爷聊天',
      place: '3号楼2单元301', schedule: [{ weekday: 2, start: '15:00', minutes: 90 }],
      start_date: '2026-12-01', end_date: '2027-02-28', volunteer_member_ids: [3],
    })
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/agreements/detail?id=5' })
  })

  test('the server\'s reasons appear under the fields they concern', async () => {
    const r = routes()
    r['POST /agreements'] = { status: 422, body: { code: 422, status: 'Unprocessable Entity', message: '志愿者不能是服务对象的家里人', errors: { json: { volunteer_member_ids: ['志愿者不能是服务对象的家里人'] } } } }
    installWx(r, { member: coordinator })
    const page = await renderPage('agreements/form', { file: '1' })
    const p = page.instance
    p.onCategory({ currentTarget: { dataset: { index: 4 } } })
    p.onInput({ currentTarget: { dataset: { field: 'content' } }, detail: { value: '陪聊' } })
    p.onInput({ currentTarget: { dataset: { field: 'place' } }, detail: { value: '3号楼' } })
    p.onDayToggle({ currentTarget: { dataset: { index: 0 } } })
    p.onEndDate({ detail: { value: '2099-01-01' } })
    p.onVolunteer({ currentTarget: { dataset: { index: 1 } } })
    await p.onSubmit()
    await new Promise((r2) => setTimeout(r2, 0))
    expect(p.data.errors.volunteers).toBe('志愿者不能是服务对象的家里人')
  })
})

describe('recipient file (建档立卡)', () => {
  const routes = () => ({
    'GET /households': { items: [{ id: 1, name: '王家', building: '3号楼', unit: '2单元', room: '301', area: '东区' }], next_cursor: null },
    'GET /households/1': fixture('household'),
    'GET /recipient-files': fixture('recipient-files'),
    'POST /recipient-files': { ...fixture('recipient-files')[0], id: 2 },
  })

  test('picks the person from a household and sends the file with the consent date', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('recipient-file')
    expect(text(page)).toContain('已建档（1）')
    expect(text(page)).toContain('行动不便，需要每周陪聊和代购')
    const p = page.instance
    await p.onHousehold({ detail: { value: 0 } })
    expect(text(page)).toContain('王德顺')
    expect(text(page)).toContain('（不用手机）')
    p.onMember({ currentTarget: { dataset: { index: 1 } } })
    p.onInput({ currentTarget: { dataset: { field: 'f.needs' } }, detail: { value: '每周陪聊' } })
    p.onInput({ currentTarget: { dataset: { field: 'f.contact_name' } }, detail: { value: '王小明' } })
    p.onInput({ currentTarget: { dataset: { field: 'f.contact_phone' } }, detail: { value: '13900000011' } })
    p.onConsent({ detail: { value: '2026-11-01' } })
    await p.onSubmit()
    expect(callsTo(calls, 'POST', '/recipient-files')[0].data).toEqual({
      member_id: 2, needs: '每周陪聊', risks: '', emergency_contact_name: '王小明',
      emergency_contact_phone: '13900000011', consent_date: '2026-11-01',
    })
    expect(modalTexts().some((m) => m.indexOf('现在给他起草帮扶协议吗') >= 0)).toBe(true)
  })

  test('explains what is missing; shows a load error', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('recipient-file')
    await tap(page, '.submit')
    expect(text(page)).toContain('请先选家庭，再选是哪一位')
    expect(text(page)).toContain('请填写紧急联系人的11位手机号')
    expect(callsTo(calls, 'POST', '/recipient-files')).toHaveLength(0)
    installWx({ 'GET /households': { offline: true }, 'GET /recipient-files': [] }, { member: coordinator })
    expect(text(await renderPage('recipient-file'))).toContain('网络没有连上')
  })
})
