const { installWx, renderPage, text, tap, callsTo, fixture } = require('./helpers')

const newcomer = () => ({ ...fixture('me-resident'), household_id: null, household_name: null })

describe('household page (开户/加入家庭)', () => {
  test('with a household: address, invite code, members, and who needs family to act', async () => {
    installWx({ 'GET /households/1': fixture('household') }, { member: fixture('me-resident') })
    const page = await renderPage('household')
    const t = text(page)
    expect(t).toContain('王家')
    expect(t).toContain('A2TZG5MZ')
    expect(t).toContain('王德顺')
    expect(t).toContain('不用手机，由家人代办')
  })

  test('adding a family member without a phone posts name and relation', async () => {
    const { calls } = installWx({ 'GET /households/1': fixture('household'), 'POST /households/1/members': { id: 9 } }, { member: fixture('me-resident') })
    const page = await renderPage('household')
    await tap(page, '.show-add')
    page.instance.onInput({ currentTarget: { dataset: { field: 'dep.name' } }, detail: { value: '王小宝' } })
    page.instance.onDepRelation({ detail: { value: 7 } }) // 孙子
    await tap(page, '.add')
    expect(callsTo(calls, 'POST', '/households/1/members')[0].data).toEqual({ name: '王小宝', relation: '孙子', gender: '' })
  })

  test('without one: opening an account posts the community and address', async () => {
    const { calls } = installWx({
      'GET /communities': fixture('communities'),
      'POST /households': { id: 5 },
      'GET /me': { ...newcomer(), household_id: 5 },
    }, { member: newcomer() })
    const page = await renderPage('household')
    expect(text(page)).toContain('开立家庭账户')
    expect(page.instance.data.open.name).toBe('王家')
    page.instance.onCommunity({ detail: { value: 0 } })
    page.instance.onInput({ currentTarget: { dataset: { field: 'open.building' } }, detail: { value: '3号楼' } })
    await tap(page, '.submit-open')
    expect(callsTo(calls, 'POST', '/households')[0].data).toEqual({ community_id: 1, name: '王家', building: '3号楼', unit: '', room: '', area: '' })
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' })
  })

  test('joining with an invite code; a wrong code shows the server message', async () => {
    const { calls } = installWx({
      'GET /communities': fixture('communities'),
      'POST /households/join': { status: 404, body: { code: 404, status: 'Not Found', message: '邀请码不对，请向家人核对' } },
    }, { member: newcomer() })
    const page = await renderPage('household')
    await tap(page, '.mode-join')
    page.instance.onInput({ currentTarget: { dataset: { field: 'join.invite_code' } }, detail: { value: 'a2tzg5mz' } })
    page.instance.onJoinRelation({ detail: { value: 1 } })
    await tap(page, '.submit-join')
    expect(callsTo(calls, 'POST', '/households/join')[0].data).toEqual({ invite_code: 'A2TZG5MZ', relation: '配偶' })
    expect(wx.showModal.mock.calls[0][0].content).toBe('邀请码不对，请向家人核对')
  })

  test('missing answers are explained', async () => {
    installWx({ 'GET /communities': fixture('communities') }, { member: newcomer() })
    const page = await renderPage('household')
    page.instance.onInput({ currentTarget: { dataset: { field: 'open.name' } }, detail: { value: '' } })
    await tap(page, '.submit-open')
    expect(text(page)).toContain('请选择您住的社区')
    expect(text(page)).toContain('请填写楼号')
  })

  test('an error loading shows the message', async () => {
    installWx({ 'GET /households/1': { status: 500, body: { code: 500, status: 'x', message: '服务器忙' } } }, { member: fixture('me-resident') })
    const page = await renderPage('household')
    expect(text(page)).toContain('服务器忙')
  })

  test('迁移: the household asks to move; the status words come from the server; a pending move can be cancelled', async () => {
    const { calls } = installWx({
      'GET /households/1': fixture('household'),
      'GET /households/1/moves': [],
      'GET /communities': fixture('communities'),
      'POST /households/1/moves': { status: 201, body: fixture('moves')[0] },
      'POST /moves/3/cancel': { ...fixture('moves')[0], status: 'cancelled', status_label: '已取消' },
    }, { member: fixture('me-resident') })
    const page = await renderPage('household')
    expect(page.instance.data.moveTargets.map((c) => c.name)).toEqual(['幸福苑社区']) // not its own community
    await tap(page, '.show-move')
    await tap(page, '.ask-move')
    expect(text(page)).toContain('请选择要迁去的社区')
    page.instance.onMoveTarget({ detail: { value: 0 } })
    page.instance.onInput({ currentTarget: { dataset: { field: 'moveForm.reason' } }, detail: { value: '搬去女儿家住' } })
    await tap(page, '.ask-move')
    expect(callsTo(calls, 'POST', '/households/1/moves')[0].data).toEqual({ to_community_id: 2, reason: '搬去女儿家住' })
    expect(text(page)).toContain('迁往幸福苑社区：等待新社区确认')
    await tap(page, '.cancel-move')
    expect(wx.showModal.mock.calls[0][0].content).toBe('不迁到幸福苑社区了吗？')
    expect(callsTo(calls, 'POST', '/moves/3/cancel')).toHaveLength(1)
  })

  test('迁移: open holds are named by the server and nothing changes', async () => {
    const message = '迁移前要先了结这些事：优先回馈冻结了1小时（修洗衣机），请先完成或取消这次回馈'
    installWx({
      'GET /households/1': fixture('household'),
      'GET /households/1/moves': [],
      'GET /communities': fixture('communities'),
      'POST /households/1/moves': { status: 409, body: { code: 409, status: 'Conflict', message, errors: { rule: 'move_not_settled' } } },
    }, { member: fixture('me-resident') })
    const page = await renderPage('household')
    await tap(page, '.show-move')
    page.instance.onMoveTarget({ detail: { value: 0 } })
    page.instance.onInput({ currentTarget: { dataset: { field: 'moveForm.reason' } }, detail: { value: '搬家' } })
    await tap(page, '.ask-move')
    expect(wx.showModal.mock.calls[0][0].content).toBe(message)
    expect(page.instance.data.move).toBe(null)
  })

  test('迁移: a rejected move shows the answer of the new community, and the household may ask again', async () => {
    const rejected = { ...fixture('moves')[0], status: 'rejected', status_label: '新社区未同意', decision_reason: '请先到社区登记住址' }
    installWx({
      'GET /households/1': fixture('household'),
      'GET /households/1/moves': [rejected],
      'GET /communities': fixture('communities'),
    }, { member: fixture('me-resident') })
    const page = await renderPage('household')
    expect(text(page)).toContain('迁往幸福苑社区：新社区未同意')
    expect(text(page)).toContain('新社区的答复：请先到社区登记住址')
    expect(page.querySelector('.cancel-move')).toBeFalsy()
    expect(page.querySelector('.show-move')).toBeTruthy()
  })
})
