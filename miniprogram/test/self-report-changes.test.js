/**
 * A volunteer's own self-report while it awaits its witness: 撤回 (withdraw) and 修改 (correct it
 * on the report form, sending only what changed); what the volunteer and the witness see when
 * the record moved meanwhile (409).
 */

const { installWx, renderPage, text, tap, callsTo, fixture, flush, modalTexts } = require('./helpers')

const me = fixture('me-volunteer') // member 3, 李建国

/** My self-report awaiting its witness (an outsider named by phone), as the API answers it. */
function selfReport(over = {}) {
  return {
    ...fixture('records').items[0],
    id: 30, source: 'self_report', volunteer_id: me.id, volunteer_name: '李建国', recorder_name: '李建国',
    witness_id: null, witness_name: '王秀兰', recipient_name: null, public_good: true,
    category_name: '环境保护', item_name: '清除白色垃圾', place: '3号楼楼道', content: '清理楼道杂物',
    started_at: '2026-01-05T08:00:00+08:00', ended_at: '2026-01-05T09:30:00+08:00', duration_minutes: 90,
    organiser: '志愿者自主开展',
    ...over,
  }
}

const conflict = (message) => ({ status: 409, body: { code: 409, status: 'Conflict', message } })

describe('services/records: withdraw and edit', () => {
  test('withdraw posts to the record; edit patches only the changes given', async () => {
    const { calls } = installWx({
      'POST /service-records/30/withdraw': selfReport({ status: 'withdrawn', status_label: '已撤回' }),
      'PATCH /service-records/30': selfReport({ content: '清理楼道杂物，擦扶手' }),
    }, { member: me })
    const records = require('../services/records')
    await expect(records.withdraw(30)).resolves.toMatchObject({ status: 'withdrawn' })
    expect(callsTo(calls, 'POST', '/service-records/30/withdraw')[0].data).toEqual({})
    await expect(records.edit(30, { content: '清理楼道杂物，擦扶手' })).resolves.toMatchObject({ content: '清理楼道杂物，擦扶手' })
    expect(callsTo(calls, 'PATCH', '/service-records/30')[0].data).toEqual({ content: '清理楼道杂物，擦扶手' })
  })

  test('a 409 rejects with the server message, shown to the person', async () => {
    installWx({ 'POST /service-records/30/withdraw': conflict('这条记录现在是「已存入存折」，不能撤回') }, { member: me })
    const records = require('../services/records')
    await expect(records.withdraw(30)).rejects.toMatchObject({ status: 409, message: '这条记录现在是「已存入存折」，不能撤回' })
    expect(modalTexts()).toEqual(['提示|这条记录现在是「已存入存折」，不能撤回'])
  })
})

describe('my tasks page: 修改 and 撤回 on my self-report', () => {
  function routes(list, over = {}) {
    return Object.assign({ 'GET /tasks/mine': [], 'GET /service-records': { items: list, next_cursor: null } }, over)
  }

  test('shown only on my own self-report that still waits for its witness', async () => {
    installWx(routes([
      selfReport(),
      selfReport({ id: 31, source: 'task' }), // a task's record: the check-out made it, nothing to correct
      selfReport({ id: 32, status: 'credited', status_label: '已存入存折', credited_minutes: 90 }),
      selfReport({ id: 33, volunteer_id: 99 }),
    ]), { member: me })
    const page = await renderPage('tasks')
    expect(page.instance.data.reported.map((r) => [r.id, r.mayChange])).toEqual([[30, true], [31, false], [32, false], [33, false]])
    expect(page.querySelectorAll('.withdraw')).toHaveLength(1)
    expect(page.querySelectorAll('.edit-report')).toHaveLength(1)
    expect(text(page)).toContain('撤回')
    expect(text(page)).toContain('修改')
  })

  test('修改 opens the report form for this record', async () => {
    installWx(routes([selfReport()]), { member: me })
    const page = await renderPage('tasks')
    await tap(page, '.edit-report')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/report/index?id=30' })
  })

  test('撤回 asks in plain words first, then withdraws and shows it as 已撤回', async () => {
    let withdrawn = false
    const { calls } = installWx(routes([], {
      'GET /service-records': () => ({ items: [withdrawn ? selfReport({ status: 'withdrawn', status_label: '已撤回' }) : selfReport()], next_cursor: null }),
      'POST /service-records/30/withdraw': () => {
        withdrawn = true
        return selfReport({ status: 'withdrawn', status_label: '已撤回' })
      },
    }), { member: me })
    const page = await renderPage('tasks')
    await tap(page, '.withdraw')
    await flush()
    expect(wx.showModal.mock.calls[0][0]).toMatchObject({ title: '撤回这条记录', content: '撤回后这条记录作废，确定撤回吗？', confirmText: '确定撤回', cancelText: '不撤回' })
    expect(callsTo(calls, 'POST', '/service-records/30/withdraw')).toHaveLength(1)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已撤回' }))
    expect(callsTo(calls, 'GET', '/service-records')).toHaveLength(2)
    expect(text(page)).toContain('已撤回')
    expect(page.querySelector('.withdraw')).toBeFalsy()
    expect(page.querySelector('.edit-report')).toBeFalsy()
  })

  test('撤回 declined: nothing is sent', async () => {
    const { calls } = installWx(routes([selfReport()]), { member: me })
    wx.showModal.mockImplementation((o) => o.success({ confirm: false, cancel: true }))
    const page = await renderPage('tasks')
    await tap(page, '.withdraw')
    expect(callsTo(calls, 'POST', '/service-records/30/withdraw')).toHaveLength(0)
  })

  test('撤回 refused because the witness confirmed meanwhile: the server says why, the list shows where it stands', async () => {
    let confirmed = false
    const { calls } = installWx(routes([], {
      'GET /service-records': () => ({ items: [confirmed ? selfReport({ status: 'credited', status_label: '已存入存折', credited_minutes: 90 }) : selfReport()], next_cursor: null }),
      'POST /service-records/30/withdraw': () => {
        confirmed = true
        return conflict('这条记录现在是「已存入存折」，不能撤回')
      },
    }), { member: me })
    const page = await renderPage('tasks')
    await tap(page, '.withdraw')
    await flush()
    expect(modalTexts()).toContain('提示|这条记录现在是「已存入存折」，不能撤回')
    expect(callsTo(calls, 'GET', '/service-records')).toHaveLength(2)
    expect(text(page)).toContain('✓已存入存折')
    expect(page.querySelector('.withdraw')).toBeFalsy()
  })

  test('back from the form, the list is read again', async () => {
    const { calls } = installWx(routes([selfReport()]), { member: me })
    const page = await renderPage('tasks')
    page.instance.onShow()
    await flush()
    expect(callsTo(calls, 'GET', '/service-records')).toHaveLength(2)
  })
})

describe('the report form, correcting my self-report', () => {
  function routes(over = {}) {
    return Object.assign({
      'GET /catalog': fixture('catalog'),
      'GET /service-records/30': selfReport(),
      'PATCH /service-records/30': (call) => selfReport(call.data),
    }, over)
  }
  const input = (p, field, value) => p.onInput({ currentTarget: { dataset: { field } }, detail: { value } })

  test('opens filled in with the report, saying the witness will be asked again', async () => {
    installWx(routes(), { member: me })
    wx.setNavigationBarTitle = jest.fn()
    const page = await renderPage('report', { id: '30' })
    const d = page.instance.data
    expect([d.catIndex, d.itemIndex, d.day, d.start, d.end]).toEqual([7, 2, '2026-01-05', '08:00', '09:30'])
    expect([d.place, d.content, d.witness_name, d.witness_phone]).toEqual(['3号楼楼道', '清理楼道杂物', '王秀兰', ''])
    const t = text(page)
    expect(t).toContain('修改服务记录')
    expect(t).toContain('重新请见证人确认')
    expect(t).toContain('保存修改')
    expect(wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '修改服务记录' })
  })

  test('sends only what changed, then goes back', async () => {
    const { calls } = installWx(routes(), { member: me })
    const page = await renderPage('report', { id: '30' })
    const p = page.instance
    p.onEnd({ detail: { value: '10:00' } })
    input(p, 'content', ' 清理楼道杂物，擦扶手 ')
    await tap(page, '.submit')
    expect(callsTo(calls, 'PATCH', '/service-records/30')[0].data).toEqual({
      ended_at: '2026-01-05T10:00:00+08:00', content: '清理楼道杂物，擦扶手',
    })
    expect(callsTo(calls, 'POST', '/service-records')).toHaveLength(0)
    expect(wx.navigateBack).toHaveBeenCalled()
  })

  test('a new day moves both times; a new item goes alone; a new category takes its item along', async () => {
    const { calls } = installWx(routes(), { member: me })
    const page = await renderPage('report', { id: '30' })
    const p = page.instance
    p.onDay({ detail: { value: '2026-01-04' } })
    p.onItem({ detail: { value: 3 } })
    await tap(page, '.submit')
    expect(callsTo(calls, 'PATCH', '/service-records/30')[0].data).toEqual({
      item_code: 'waste_sorting', started_at: '2026-01-04T08:00:00+08:00', ended_at: '2026-01-04T09:30:00+08:00',
    })
    const again = await renderPage('report', { id: '30' })
    again.instance.onCategory({ detail: { value: 0 } })
    again.instance.onItem({ detail: { value: 2 } })
    await tap(again, '.submit')
    expect(callsTo(calls, 'PATCH', '/service-records/30')[1].data).toEqual({ category_code: 'repairs', item_code: 'household_repair' })
  })

  test('nothing changed: says so and sends nothing', async () => {
    const { calls } = installWx(routes(), { member: me })
    const page = await renderPage('report', { id: '30' })
    await tap(page, '.submit')
    expect(callsTo(calls, 'PATCH', '/service-records/30')).toHaveLength(0)
    expect(wx.showToast).toHaveBeenCalledWith({ title: '您还没有改动', icon: 'none' })
  })

  test('a new witness needs a new phone; both are sent', async () => {
    const { calls } = installWx(routes(), { member: me })
    const page = await renderPage('report', { id: '30' })
    const p = page.instance
    input(p, 'witness_name', '赵大妈')
    await tap(page, '.submit')
    expect(text(page)).toContain('换了见证人，请填写新见证人的11位手机号')
    expect(callsTo(calls, 'PATCH', '/service-records/30')).toHaveLength(0)
    input(p, 'witness_phone', '13900000009')
    await tap(page, '.submit')
    expect(callsTo(calls, 'PATCH', '/service-records/30')[0].data).toEqual({ witness_name: '赵大妈', witness_phone: '13900000009' })
  })

  test('the server\'s reasons go under the fields', async () => {
    installWx(routes({
      'PATCH /service-records/30': { status: 422, body: { code: 422, status: 'Unprocessable Entity', message: '请检查填写的内容',
        errors: { json: { started_at: ['这段时间您已经记录了另一项服务，同一时间只能记一项'] } } } },
    }), { member: me })
    const page = await renderPage('report', { id: '30' })
    page.instance.onStart({ detail: { value: '07:30' } })
    await tap(page, '.submit')
    expect(text(page)).toContain('这段时间您已经记录了另一项服务')
    expect(wx.navigateBack).not.toHaveBeenCalled()
  })

  test('confirmed meanwhile (409): the server says why and the form says it can no longer be changed', async () => {
    let confirmed = false
    installWx(routes({
      'GET /service-records/30': () => (confirmed ? selfReport({ status: 'credited', status_label: '已存入存折' }) : selfReport()),
      'PATCH /service-records/30': () => {
        confirmed = true
        return conflict('这条记录现在是「已存入存折」，不能修改')
      },
    }), { member: me })
    const page = await renderPage('report', { id: '30' })
    input(page.instance, 'content', '清理楼道杂物，擦扶手')
    await tap(page, '.submit')
    await flush()
    expect(modalTexts()).toContain('提示|这条记录现在是「已存入存折」，不能修改')
    expect(page.instance.data.state).toBe('empty')
    expect(text(page)).toContain('这条记录现在是“已存入存折”，不能再修改了')
    expect(page.querySelector('.submit')).toBeFalsy()
    expect(wx.navigateBack).not.toHaveBeenCalled()
  })

  test('a record already withdrawn opens as 已撤回, with nothing to change', async () => {
    installWx(routes({ 'GET /service-records/30': selfReport({ status: 'withdrawn', status_label: '已撤回' }) }), { member: me })
    const page = await renderPage('report', { id: '30' })
    expect(text(page)).toContain('这条记录现在是“已撤回”，不能再修改了')
    expect(page.querySelector('.submit')).toBeFalsy()
  })
})

describe('the witness, after the volunteer withdrew or corrected the report', () => {
  const stale = '志愿者已经修改或撤回了这条记录，请让志愿者重新出示二维码'

  test('an old QR: the server asks for a fresh one, and the list is read again', async () => {
    const { calls } = installWx({
      'GET /requests': { items: [], next_cursor: null },
      'GET /service-records': { items: [], next_cursor: null },
      'POST /service-records/confirm-qr': conflict(stale),
    }, { member: fixture('me-resident') })
    wx.scanCode.mockImplementation((o) => o.success({ result: 'old.token' }))
    const page = await renderPage('requests')
    await tap(page, '.scan')
    await flush()
    expect(modalTexts()).toContain(`提示|${stale}`)
    expect(callsTo(calls, 'GET', '/service-records')).toHaveLength(2)
  })

  test('a tap on a withdrawn report: the server says so, and it leaves the list', async () => {
    let withdrawn = false
    const waiting = { ...fixture('records').items[0], id: 30, source: 'self_report' }
    const { calls } = installWx({
      'GET /requests': { items: [], next_cursor: null },
      'GET /service-records': () => ({ items: withdrawn ? [] : [waiting], next_cursor: null }),
      'POST /service-records/30/confirm': () => {
        withdrawn = true
        return conflict('这条记录现在是「已撤回」，不能再确认')
      },
    }, { member: fixture('me-resident') })
    const page = await renderPage('requests')
    await tap(page, '.confirm-record')
    await flush()
    expect(modalTexts()).toContain('提示|这条记录现在是「已撤回」，不能再确认')
    expect(callsTo(calls, 'GET', '/service-records')).toHaveLength(2)
    expect(page.instance.data.toConfirm).toEqual([])
  })
})

describe('record-card', () => {
  test('a withdrawn record reads 已撤回', async () => {
    const { renderComponent } = require('./helpers')
    const comp = await renderComponent('record-card', { record: selfReport({ status: 'withdrawn', status_label: '已撤回' }) })
    expect(text(comp)).toContain('已撤回')
  })
})
