const { installWx, renderPage, text, tap, callsTo, fixture } = require('./helpers')

const page1 = {
  items: [
    { id: 2, title: '有志愿者接单了', body: '李建国 会在12月1日下午上门修洗衣机。', link: 'pages/requests/detail?id=11', urgent: false, created_at: '2026-11-29T09:30:00+08:00', read_at: null },
    { id: 1, title: '时间已存入', body: '您的服务 1.5 小时已存入存折。', link: 'pages/passbook/index', urgent: true, created_at: '2026-11-28T16:10:00+08:00', read_at: '2026-11-28T17:00:00+08:00' },
  ],
  next_cursor: 'WzFd',
}

describe('inbox page (消息)', () => {
  test('unread messages say so in words', async () => {
    installWx({ 'GET /notifications': page1 }, { member: fixture('me-resident') })
    const page = await renderPage('inbox')
    const t = text(page)
    expect(t).toContain('1 条未读')
    expect(t).toContain('● 未读')
    expect(t).toContain('已读')
    expect(t).toContain('! 紧急')
    expect(t).toContain('有志愿者接单了')
  })

  test('opening one marks it read and goes to its page', async () => {
    const { calls } = installWx({ 'GET /notifications': page1, 'POST /notifications/read': {} }, { member: fixture('me-resident') })
    const page = await renderPage('inbox')
    await tap(page, '.msg')
    expect(callsTo(calls, 'POST', '/notifications/read')[0].data).toEqual({ id: 2 })
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/requests/detail?id=11' })
    expect(text(page)).not.toContain('● 未读')
  })

  test('read all, and older messages by cursor', async () => {
    const { calls } = installWx({ 'GET /notifications': page1, 'POST /notifications/read-all': {} }, { member: fixture('me-resident') })
    const page = await renderPage('inbox')
    await tap(page, '.read-all')
    // Only up to the newest shown: one that arrives meanwhile stays unread.
    expect(callsTo(calls, 'POST', '/notifications/read-all')[0].data).toEqual({ up_to: 2 })
    await tap(page, '.more')
    expect(callsTo(calls, 'GET', '/notifications')[1].query).toEqual({ cursor: 'WzFd' })
  })

  test('empty and error states', async () => {
    installWx({ 'GET /notifications': { items: [], next_cursor: null } }, { member: fixture('me-resident') })
    expect(text(await renderPage('inbox'))).toContain('还没有消息')
    installWx({ 'GET /notifications': { offline: true } }, { member: fixture('me-resident') })
    expect(text(await renderPage('inbox'))).toContain('网络没有连上')
  })
})
