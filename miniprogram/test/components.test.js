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

const { fixture, flush } = require('./helpers')

describe('status-tag', () => {
  test('says the status in words with a mark, not only a colour', async () => {
    const comp = await renderComponent('status-tag', { kind: 'request', status: 'done', fallback: '服务已完成，待确认' })
    expect(text(comp)).toBe('!服务已完成，待确认')
    comp.setData({ kind: 'record', status: 'credited', fallback: '已存入存折' })
    expect(text(comp)).toBe('✓已存入存折')
  })

  test('the words are the server\'s status_label, even where the mini-program once had its own', async () => {
    // What the server says (with our mark), and what the mini-program used to say instead.
    const shown = [
      ['request', 'claimed', '✓志愿者已接单', '已有志愿者接单'],
      ['payback', 'open', '…等待志愿者接单', '已申请，优先安排中'],
      ['task', 'open', '○等待志愿者接单', '可以接单'],
      ['record', 'reported', '…待见证人确认', '等待见证人确认'],
      ['record', 'too_short', '–不足30分钟，不计时', '服务时间太短，不计时'],
      ['objection', 'open', '!待处理', '待服务站处理'],
    ]
    const comp = await renderComponent('status-tag', { kind: 'request', status: 'open' })
    for (const [kind, status, server, old] of shown) {
      comp.setData({ kind, status, fallback: server.slice(1) })
      expect(text(comp)).toBe(server)
      expect(text(comp)).not.toContain(old)
    }
  })

  test('our own words only for a state the server does not have, or a kind it sends no words for', async () => {
    const comp = await renderComponent('status-tag', { kind: 'task', status: 'held', fallback: '等待志愿者接单' })
    expect(text(comp)).toBe('…等服务站审核')
    comp.setData({ kind: 'event', status: 'open', fallback: '' })
    expect(text(comp)).toBe('○报名中')
  })

  test('an unknown status still shows something readable', async () => {
    const comp = await renderComponent('status-tag', { kind: 'task', status: 'archived' })
    expect(text(comp)).toContain('archived')
    comp.setData({ fallback: '已归档' })
    expect(text(comp)).toBe('…已归档')
  })
})

describe('tab-bar', () => {
  test('a volunteer gets 任务; tapping a tab goes there', async () => {
    installWx({}, { member: fixture('me-volunteer') })
    const comp = await renderComponent('tab-bar', { current: 'home' })
    expect(text(comp)).toContain('任务')
    comp.querySelectorAll('.tab')[3].dispatchEvent('tap')
    await flush()
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/passbook/index' })
  })

  test('a coordinator gets 服务站 and no 存折; the current tab does nothing', async () => {
    installWx({}, { member: fixture('me-coordinator') })
    const comp = await renderComponent('tab-bar', { current: 'home' })
    expect(text(comp)).toContain('服务站')
    expect(text(comp)).not.toContain('存折')
    await tap(comp, '.tab')
    expect(wx.redirectTo).not.toHaveBeenCalled()
  })

  test('without a stored member it falls back to the resident tabs', async () => {
    installWx({}, { member: null })
    const comp = await renderComponent('tab-bar', { current: 'mine' })
    expect(text(comp).replace(/[^\u4e00-\u9fa5]/g, '')).toBe('首页预约存折我的')
  })
})

describe('task-card', () => {
  test('a payback task is marked 优先 and shows time, length, place', async () => {
    const comp = await renderComponent('task-card', { task: fixture('board').items[0] })
    const t = text(comp)
    expect(t).toContain('★ 优先')
    expect(t).toContain('优先回馈')
    expect(t).toContain('约 2.0 小时')
    expect(t).toContain('西区5号楼附近')
    expect(t).toContain('○等待志愿者接单')
  })

  test('a task with missing fields still renders', async () => {
    const comp = await renderComponent('task-card', { task: { id: 1, item_name: '巡查', status: 'weird' } })
    expect(text(comp)).toContain('巡查')
  })
})

describe('record-card', () => {
  test('shows who, when, how long, witness and status', async () => {
    const comp = await renderComponent('record-card', { record: fixture('records').items[0] })
    const t = text(comp)
    expect(t).toContain('孙丽')
    expect(t).toContain('11月27日 周五 09:05–09:50')
    expect(t).toContain('0.8 小时')
    expect(t).toContain('…待见证人确认')
  })

  test('an empty record renders without breaking', async () => {
    const comp = await renderComponent('record-card', { record: {} })
    expect(text(comp)).toContain('志愿者')
  })
})

describe('form-field', () => {
  test('shows the hint, or the reason when refused', async () => {
    const comp = await renderComponent('form-field', { label: '手机号', required: true, hint: '11位' })
    expect(text(comp)).toContain('手机号（必填）')
    expect(text(comp)).toContain('11位')
    comp.setData({ error: '请填写11位手机号' })
    expect(text(comp)).toContain('⚠ 请填写11位手机号')
    expect(text(comp)).not.toContain(' 11位')
  })
})

describe('privacy-popup', () => {
  test('opens when WeChat asks, and agreeing resolves WeChat with the button id', async () => {
    const comp = await renderComponent('privacy-popup')
    expect(text(comp).trim()).toBe('')
    const listener = wx.onNeedPrivacyAuthorization.mock.calls[0][0]
    const resolve = jest.fn()
    listener(resolve)
    await flush()
    expect(text(comp)).toContain('保护您的个人信息')
    const agreed = jest.fn()
    comp.addEventListener('agree', agreed)
    comp.instance.onAgree()
    expect(resolve).toHaveBeenCalledWith({ buttonId: 'privacy-agree', event: 'agree' })
    expect(agreed).toHaveBeenCalled()
  })

  test('check() shows it when authorization is still needed; disagreeing tells WeChat', async () => {
    const comp = await renderComponent('privacy-popup')
    wx.getPrivacySetting.mockImplementation((o) => o.success({ needAuthorization: true }))
    expect(await comp.instance.check()).toBe(false)
    await flush()
    expect(text(comp)).toContain('同意并继续')
    await tap(comp, '.btn-quiet')
    expect(text(comp).trim()).toBe('')
  })
})

describe('need-form', () => {
  test('renders the menu and shows server reasons under the right fields', async () => {
    const comp = await renderComponent('need-form', { categories: fixture('catalog').categories, family: [], address: { building: '3号楼', unit: '2单元', room: '301' } })
    expect(text(comp)).toContain('环境保护')
    comp.instance.showErrors({ fieldErrors: () => ({ window_start: '开始时间不对', description: '太长了' }) })
    await flush()
    expect(text(comp)).toContain('⚠ 开始时间不对')
    expect(text(comp)).toContain('⚠ 太长了')
  })

  test('an end before the start is explained', async () => {
    const comp = await renderComponent('need-form', { categories: fixture('catalog').categories })
    comp.instance.setData({ day: '2099-01-01', start: '10:00', end: '09:00' })
    expect(comp.instance.collect()).toBeNull()
    expect(comp.instance.data.errors.window).toBe('结束时间要晚于开始时间')
    expect(wx.showToast).toHaveBeenCalledWith({ title: '请按红字提示填写', icon: 'none' })
  })
})

describe('star-levels', () => {
  test('each level with its marks, hours and how far, in words', async () => {
    const view = require('../utils/stars')
    const s = fixture('stars').volunteer
    const comp = await renderComponent('pages/stars/components/star-levels', { levels: view.levels(s.thresholds_hours, s.minutes) })
    const t = text(comp)
    expect(t).toContain('★★★☆☆ 三星满 50 小时还差 6.0 小时')
    expect(t).toContain('50 小时')
    expect(t).toContain('还差 6.0 小时')
    expect(comp.querySelectorAll('.reached')).toHaveLength(2)
  })

  test('no scale (the server sent none): an empty card, nothing broken', async () => {
    const comp = await renderComponent('pages/stars/components/star-levels', { levels: [] })
    expect(text(comp).trim()).toBe('')
  })
})

describe('notice-body', () => {
  test('nothing before the notice arrives', async () => {
    const comp = await renderComponent('notice-body', { notice: null })
    expect(text(comp).trim()).toBe('')
  })
})
