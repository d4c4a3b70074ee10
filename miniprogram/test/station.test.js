const { installWx, renderPage, text, tap, callsTo, fixture, modalTexts, answerDialogs } = require('./helpers')

const coordinator = fixture('me-coordinator')

function routes(over = {}) {
  return Object.assign({
    'GET /desk': fixture('desk'),
    'POST /service-records/22/approve': { ...fixture('desk').records_waiting[0], status: 'credited', status_label: '已存入存折' },
    'POST /service-records/22/reject': { ...fixture('desk').records_waiting[0], status: 'rejected', status_label: '未通过' },
    'POST /tasks/45/publish': { ...fixture('desk').held_requests[0], held: false },
    'POST /tasks/47/no-show': { ...fixture('desk').todays_visits[0], status: 'no_show', status_label: '志愿者未到' },
  }, over)
}

describe('station desk (服务站)', () => {
  test('shows every kind of work, each saying why it waits', async () => {
    installWx(routes(), { member: coordinator })
    const page = await renderPage('station')
    const t = text(page)
    expect(t).toContain('有 7 件事要处理') // two of them households asking to move in (station-moves.test.js)
    expect(t).toContain('① 待审核的服务记录（2）')
    expect(t).toContain('见证人提出异议：志愿者只来了十分钟')
    expect(t).toContain('见证人（刘阿姨）不用小程序，请服务站核实')
    expect(t).toContain('② 待审核的求助（1）')
    expect(t).toContain('燃气灶打不着火')
    expect(t).toContain('③ 等了2小时还没人接的任务（1）') // the wait the server counts by (ESCALATE_AFTER_MINUTES)
    expect(t).toContain('打电话给 张桂芳')
    expect(t).toContain('④ 今天的协议上门（1）')
    expect(t).toContain('上门志愿者：李建国')
    expect(t).toContain('⑤ 近期的集中活动（1）')
    expect(t).toContain('帮扶协议')
    expect(t).toContain('建档立卡')
    for (const link of ['星级评定', '公告和异议', '检查和走访', '亲属确认', '通存通兑']) expect(t).toContain(link)
  })

  test('approve, reject with a reason, publish, no-show: each posts to its own address', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    const page = await renderPage('station')
    await tap(page, '.approve')
    expect(modalTexts()[0]).toContain('孙丽的健康咨询，0.8 小时')
    expect(callsTo(calls, 'POST', '/service-records/22/approve')[0].data).toEqual({})
    answerDialogs('核实后没有这次服务')
    await tap(page, '.reject')
    expect(callsTo(calls, 'POST', '/service-records/22/reject')[0].data).toEqual({ reason: '核实后没有这次服务' })
    await tap(page, '.publish')
    expect(callsTo(calls, 'POST', '/tasks/45/publish')).toHaveLength(1)
    await tap(page, '.no-show')
    expect(callsTo(calls, 'POST', '/tasks/47/no-show')[0].data).toEqual({})
    expect(callsTo(calls, 'GET', '/desk').length).toBeGreaterThanOrEqual(5)
  })

  test('the unclaimed heading names the wait the server counts by, not a copy of it', async () => {
    installWx(routes({ 'GET /desk': { ...fixture('desk'), unclaimed_after_minutes: 45 } }), { member: coordinator })
    const page = await renderPage('station')
    expect(text(page)).toContain('③ 等了45分钟还没人接的任务（1）')
  })

  test('a reject without a reason is not sent', async () => {
    const { calls } = installWx(routes(), { member: coordinator })
    answerDialogs('  ')
    const page = await renderPage('station')
    await tap(page, '.reject')
    expect(callsTo(calls, 'POST', '/service-records/22/reject')).toHaveLength(0)
  })

  test('the event on the desk opens its check-in code', async () => {
    installWx(routes(), { member: coordinator })
    const page = await renderPage('station')
    await tap(page, '.event-qr')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/qr/index?kind=event&id=2' })
  })

  test('nothing waiting says so; an error shows the server message', async () => {
    installWx({ 'GET /desk': { records_waiting: [], held_requests: [], unclaimed_tasks: [], todays_visits: [], events: [] } }, { member: coordinator })
    const t = text(await renderPage('station'))
    expect(t).toContain('✓ 暂时没有要处理的事')
    expect(t).toContain('今天没有安排')
    installWx({ 'GET /desk': { status: 403, body: { code: 403, status: 'Forbidden', message: '您的身份不能做这件事' } } }, { member: coordinator })
    expect(text(await renderPage('station'))).toContain('您的身份不能做这件事')
  })

  test('asks for WeChat notices with the template ids the server gives, and reports every answer', async () => {
    const { calls } = installWx(routes({
      'GET /subscriptions': [
        { template_key: 'coordinator_alert', label: '有事项需要我处理时通知我', template_id: 'TPL-ALERT', credits: 0 },
        { template_key: 'task_offer', label: '有人需要帮助时通知我', template_id: null, credits: 0 },
      ],
      'POST /subscriptions': [],
    }), { member: coordinator })
    wx.requestSubscribeMessage.mockImplementation((o) => o.success({ 'TPL-ALERT': 'accept', errMsg: 'requestSubscribeMessage:ok' }))
    const page = await renderPage('station')
    await tap(page, '.notify-me')
    expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual(['TPL-ALERT'])
    expect(callsTo(calls, 'POST', '/subscriptions')[0].data).toEqual({ results: { coordinator_alert: 'accept' } })
  })
})
