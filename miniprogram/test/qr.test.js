// The encoder is wrapped so the tests can see what text it was given; it still encodes for real.
jest.mock('qrcode-generator', () => {
  const real = jest.requireActual('qrcode-generator')
  const encoded = []
  const wrapped = (type, level) => {
    const qr = real(type, level)
    const add = qr.addData
    qr.addData = (data, mode) => {
      encoded.push(data)
      return add(data, mode)
    }
    return qr
  }
  wrapped.encoded = encoded
  return wrapped
})

const { installWx, renderPage, renderComponent, text, tap, callsTo, fixture, flush } = require('./helpers')
const qr = require('../utils/qr')

function encoded() {
  return require('qrcode-generator').encoded
}

const soon = () => new Date(Date.now() + 8 * 3600 * 1000 + 5 * 60 * 1000).toISOString().replace('Z', '+08:00')

describe('qr-code component', () => {
  test('encodes the text it is given and draws it when the canvas is there', async () => {
    const comp = await renderComponent('pages/qr/components/qr-code', { text: 'tok-abc' })
    expect(encoded()).toContain('tok-abc')
    expect(comp.instance.data.count).toBeGreaterThanOrEqual(21)
    const ctx = { fillStyle: '', fillRect: jest.fn() }
    qr.draw(ctx, qr.encode('tok-abc'), 260)
    expect(ctx.fillRect.mock.calls[0]).toEqual([0, 0, 260, 260]) // the white ground, then the dark modules
    expect(ctx.fillRect.mock.calls.length).toBeGreaterThan(100)
  })

  test('without text it says the code is coming', async () => {
    const comp = await renderComponent('pages/qr/components/qr-code', { text: '' })
    expect(text(comp)).toContain('正在生成二维码')
  })
})

describe('QR page (出示二维码)', () => {
  test('the volunteer shows the record confirmation code: the token from the API goes to the encoder', async () => {
    const { calls } = installWx({ 'POST /service-records/21/qr': { token: 'rec-token-21', expires_at: soon() } }, { member: fixture('me-volunteer') })
    const page = await renderPage('qr', { kind: 'record', id: '21' })
    expect(callsTo(calls, 'POST', '/service-records/21/qr')).toHaveLength(1)
    expect(encoded()).toContain('rec-token-21')
    expect(text(page)).toContain('请对方扫码确认服务')
    expect(text(page)).toMatch(/还剩 [45]分\d\d秒/)
    page.instance.onUnload()
  })

  test('the family shows the task check-in code; the station shows the event code', async () => {
    const { calls } = installWx({
      'POST /tasks/43/checkin-qr': { token: 'task-token-43', expires_at: soon() },
      'POST /events/2/qr': { token: 'event-token-2', expires_at: soon() },
    }, { member: fixture('me-resident') })
    const task = await renderPage('qr', { kind: 'task', id: '43' })
    expect(text(task)).toContain('请志愿者扫码签到')
    expect(encoded()).toContain('task-token-43')
    task.instance.onUnload()
    const event = await renderPage('qr', { kind: 'event', id: '2', about: encodeURIComponent('12月16日集中服务') })
    expect(text(event)).toContain('12月16日集中服务')
    expect(encoded()).toContain('event-token-2')
    expect(callsTo(calls, 'POST', '/events/2/qr')).toHaveLength(1)
    event.instance.onUnload()
  })

  test('an expired code is replaced by a new one', async () => {
    let n = 0
    const { calls } = installWx({
      'POST /tasks/43/checkin-qr': () => ({ token: `t${++n}`, expires_at: n === 1 ? '2020-01-01T00:00:00+08:00' : soon() }),
    }, { member: fixture('me-resident') })
    const page = await renderPage('qr', { kind: 'task', id: '43' })
    await flush()
    expect(callsTo(calls, 'POST', '/tasks/43/checkin-qr')).toHaveLength(2)
    expect(page.instance.data.token).toBe('t2')
    page.instance.onUnload()
  })

  test('a refusal shows the server message, with a way to try again', async () => {
    installWx({ 'POST /tasks/43/checkin-qr': { status: 403, body: { code: 403, status: 'Forbidden', message: '只有服务对象的家人或服务站可以出示签到码' } } }, { member: fixture('me-volunteer') })
    const page = await renderPage('qr', { kind: 'task', id: '43' })
    expect(text(page)).toContain('只有服务对象的家人或服务站可以出示签到码')
    expect(text(page)).toContain('重新加载')
  })
})

describe('where the volunteer and the family reach the codes', () => {
  test('after check-out the volunteer is offered the confirmation code', async () => {
    const started = { ...fixture('board').items[0], id: 44, status: 'in_progress', status_label: '服务中', claimed_by_me: true }
    const record = { ...fixture('records').items[0], id: 31 }
    installWx({
      'GET /tasks/mine': [started],
      'GET /service-records': { items: [], next_cursor: null },
      'POST /tasks/44/check-out': { task: { ...started, status: 'done', status_label: '服务已完成，待确认' }, record },
    }, { member: fixture('me-volunteer') })
    const page = await renderPage('tasks')
    await tap(page, '.check-out')
    await flush()
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/qr/index?kind=record&id=31' })
  })

  test('a reported record in my list has its code button', async () => {
    installWx({ 'GET /tasks/mine': [], 'GET /service-records': fixture('records') }, { member: fixture('me-volunteer') })
    const page = await renderPage('tasks')
    await tap(page, '.show-code')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/qr/index?kind=record&id=21' })
  })

  test('a claimed request shows the family the check-in code button', async () => {
    installWx({ 'GET /requests': fixture('requests'), 'GET /service-records': { items: [], next_cursor: null } }, { member: fixture('me-resident') })
    const page = await renderPage('requests')
    await tap(page, '.checkin-code')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/qr/index?kind=task&id=42' })
  })
})
