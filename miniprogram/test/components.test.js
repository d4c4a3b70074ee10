const { installWx, renderComponent, text, tap } = require('./helpers')

beforeEach(() => installWx())

describe('state-view', () => {
  test('says it is loading, then shows nothing once ready', async () => {
    const comp = await renderComponent('state-view', { state: 'loading' })
    expect(text(comp)).toContain('正在加载')
    comp.setData({ state: 'ready' })
    expect(text(comp).trim()).toBe('')
  })

  test('shows the empty words it is given', async () => {
    const comp = await renderComponent('state-view', { state: 'empty', emptyText: '还没有求助' })
    expect(text(comp)).toContain('还没有求助')
  })

  test('an error shows the server message and offers to try again', async () => {
    const comp = await renderComponent('state-view', { state: 'error', text: '服务器开小差了' })
    const retried = jest.fn()
    comp.addEventListener('retry', retried)
    expect(text(comp)).toContain('服务器开小差了')
    await tap(comp, '.retry')
    expect(retried).toHaveBeenCalled()
  })

  test('offline says the network is down in plain words', async () => {
    const comp = await renderComponent('state-view', { state: 'offline' })
    expect(text(comp)).toContain('网络没有连上')
  })
})
