const { installWx, renderPage, text, tap, callsTo, fixture, answerDialogs } = require('./helpers')

function routes(over = {}) {
  return Object.assign({
    'GET /requests': fixture('requests'),
    'GET /service-records': fixture('records'),
    'POST /service-records/21/confirm': { ...fixture('records').items[0], status: 'credited', status_label: '已存入存折' },
    'POST /service-records/21/dispute': { ...fixture('records').items[0], status: 'disputed', status_label: '见证人有异议' },
    'POST /service-records/confirm-qr': { ...fixture('records').items[0], status: 'credited', status_label: '已存入存折' },
    'POST /requests/11/cancel': { id: 11, status: 'cancelled', status_label: '已取消' },
  }, over)
}

describe('my requests page (我的求助)', () => {
  test('shows each request with its status in words, who is coming, and services to confirm', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-resident') })
    const page = await renderPage('requests')
    const t = text(page)
    expect(callsTo(calls, 'GET', '/service-records')[0].query).toEqual({ view: 'to_confirm' })
    expect(t).toContain('请您确认的服务（1）')
    expect(t).toContain('量血压，讲解用药')
    expect(t).toContain('✓志愿者已接单')
    expect(t).toContain('来帮忙的是：李建国')
    expect(t).toContain('!服务已完成，待确认')
    expect(t).toContain('✓时间已存入')
    expect(t).toContain('加急')
    expect(page.querySelector('.confirm-request')).toBeFalsy() // the same record is confirmed once, above
  })

  test('the confirm button under 请您确认 posts confirm too', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-resident') })
    const page = await renderPage('requests')
    await tap(page, '.confirm-record')
    expect(callsTo(calls, 'POST', '/service-records/21/confirm')).toHaveLength(1)
  })

  test('见证确认 with one tap posts confirm for the record', async () => {
    const { calls } = installWx(routes({ 'GET /service-records': [] }), { member: fixture('me-resident') })
    const page = await renderPage('requests')
    await tap(page, '.confirm-request')
    expect(callsTo(calls, 'POST', '/service-records/21/confirm')[0].data).toEqual({})
    expect(callsTo(calls, 'GET', '/requests')).toHaveLength(2)
    expect(callsTo(calls, 'GET', '/requests')[0].query.limit).toBe('100') // one page of the paged list
  })

  test('scanning the volunteer QR posts confirm-qr with the token', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-resident') })
    wx.scanCode.mockImplementation((o) => o.success({ result: 'https://lovebank.example.com/c?token=abc.def' }))
    const page = await renderPage('requests')
    await tap(page, '.scan')
    expect(callsTo(calls, 'POST', '/service-records/confirm-qr')[0].data).toEqual({ token: 'abc.def' })
  })

  test('a dispute sends the reason written in the dialog', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-resident') })
    answerDialogs('志愿者没有来')
    const page = await renderPage('requests')
    await tap(page, '.dispute')
    expect(callsTo(calls, 'POST', '/service-records/21/dispute')[0].data).toEqual({ reason: '志愿者没有来' })
  })

  test('cancelling asks first, then posts the cancel', async () => {
    const { calls } = installWx(routes(), { member: fixture('me-resident') })
    const page = await renderPage('requests')
    await tap(page, '.cancel')
    expect(wx.showModal.mock.calls[0][0].title).toBe('取消求助')
    expect(callsTo(calls, 'POST', '/requests/11/cancel')).toHaveLength(1)
  })

  test('nothing yet: says so and offers to book', async () => {
    installWx(routes({ 'GET /requests': { items: [], next_cursor: null }, 'GET /service-records': [] }), { member: fixture('me-resident') })
    const page = await renderPage('requests')
    expect(text(page)).toContain('您还没有求助过')
  })

  test('an error shows the server message', async () => {
    installWx(routes({ 'GET /requests': { status: 500, body: { code: 500, status: 'x', message: '服务器忙，请稍后再试' } } }), { member: fixture('me-resident') })
    const page = await renderPage('requests')
    expect(text(page)).toContain('服务器忙，请稍后再试')
  })
})
