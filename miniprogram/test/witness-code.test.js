/**
 * 输入见证码: on a record of mine waiting for a witness whose household holds a code card (见证码卡),
 * the volunteer enters the code the elder reads out; the server confirms and credits it.
 */

const { installWx, renderPage, text, tap, callsTo, fixture, flush, modalTexts } = require('./helpers')

const me = fixture('me-volunteer') // member 3, 李建国

/** A counter entry (柜台登记) waiting on 王德顺, who has no phone but a code card, as the API answers it. */
function waiting(over = {}) {
  return {
    ...fixture('records').items[0],
    id: 40, source: 'counter', volunteer_id: me.id, volunteer_name: '李建国', recorder_name: '赵敏',
    witness_id: 2, witness_name: '王德顺', recipient_name: '王德顺', category_name: '维修服务', item_name: '家电维修',
    content: '修理收音机', duration_minutes: 60, organiser: '服务站柜台登记', code_card: true,
    ...over,
  }
}

const credited = waiting({ status: 'credited', status_label: '已存入存折', credited_minutes: 60, confirmed_via: 'code',
  confirmed_by_name: '王德顺', code_card: false })

function routes(list, over = {}) {
  return Object.assign({ 'GET /tasks/mine': [], 'GET /service-records': { items: list, next_cursor: null } }, over)
}

/** The dialog answers with `content` as if typed. */
function typed(content) {
  wx.showModal.mockImplementation((o) => o.success({ confirm: true, cancel: false, content }))
}

describe('services/records.confirmCode', () => {
  test('posts the record and the code', async () => {
    const { calls } = installWx({ 'POST /service-records/confirm-code': credited }, { member: me })
    const records = require('../services/records')
    await expect(records.confirmCode(40, '042917')).resolves.toMatchObject({ status: 'credited' })
    expect(callsTo(calls, 'POST', '/service-records/confirm-code')[0].data).toEqual({ record_id: 40, code: '042917' })
  })
})

describe('my tasks page: 输入见证码', () => {
  test('offered only on a record waiting on a witness whose household holds a card', async () => {
    installWx(routes([waiting(), waiting({ id: 41, code_card: false }), credited]), { member: me })
    const page = await renderPage('tasks')
    expect(page.querySelectorAll('.enter-code')).toHaveLength(1)
    expect(text(page)).toContain('输入见证码')
  })

  test('the code typed is sent; the record then reads as the server says', async () => {
    let done = false
    const { calls } = installWx(routes([], {
      'GET /service-records': () => ({ items: [done ? credited : waiting()], next_cursor: null }),
      'POST /service-records/confirm-code': () => {
        done = true
        return credited
      },
    }), { member: me })
    const page = await renderPage('tasks')
    typed(' 042917 ')
    await tap(page, '.enter-code')
    await flush()
    expect(callsTo(calls, 'POST', '/service-records/confirm-code')[0].data).toEqual({ record_id: 40, code: '042917' })
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已存入存折' }))
    expect(page.querySelectorAll('.enter-code')).toHaveLength(0)
    expect(text(page)).toContain('已存入存折')
  })

  test('not six digits: nothing is sent and the person is told', async () => {
    const { calls } = installWx(routes([waiting()]), { member: me })
    const page = await renderPage('tasks')
    typed('1234')
    await tap(page, '.enter-code')
    await flush()
    expect(callsTo(calls, 'POST', '/service-records/confirm-code')).toHaveLength(0)
    expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '见证码是6位数字' }))
  })

  test('a wrong code shows the server\'s words (tries left) and the list is read again', async () => {
    const message = '见证码不对，请核对后再输；还可以再试4次'
    const { calls } = installWx(routes([waiting()], {
      'POST /service-records/confirm-code': { status: 422, body: { code: 422, status: 'Unprocessable Entity', message,
        errors: { json: { code: [message] }, rule: 'code_wrong' } } },
    }), { member: me })
    const page = await renderPage('tasks')
    const readsBefore = callsTo(calls, 'GET', '/service-records').length
    typed('000000')
    await tap(page, '.enter-code')
    await flush()
    expect(modalTexts().some((m) => m.includes('还可以再试4次'))).toBe(true)
    expect(callsTo(calls, 'GET', '/service-records').length).toBeGreaterThan(readsBefore)
  })
})
