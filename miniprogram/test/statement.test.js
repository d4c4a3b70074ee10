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

const { installWx, renderPage, text, tap, callsTo, fixture } = require('./helpers')

const encoded = () => require('qrcode-generator').encoded

describe('signed statement page (月结单签名)', () => {
  test('shows the month, the signature state and key from the server, and the compact form as a QR code', async () => {
    const signed = fixture('statement-signed')
    const { calls } = installWx({ 'GET /statements/7/signed': signed }, { member: fixture('me-resident') })
    const page = await renderPage('qr/statement', { id: '7' })
    expect(callsTo(calls, 'GET', '/statements/7/signed')).toHaveLength(1)
    const t = text(page)
    expect(t).toContain('2026年11月 月结单')
    expect(t).toContain('月末结余')
    expect(t).toContain('月末结余10.0 小时')
    expect(t).toContain('已签名 · 校验通过')
    expect(t).toContain('XFY-20261201-3fa85f64')
    expect(encoded()).toContain(signed.compact)
    expect(page.querySelector('.sig-state.ok')).toBeTruthy()
  })

  test('a statement closed before signing says so, with no code to show', async () => {
    installWx({
      'GET /statements/3/signed': {
        statement_id: 3, signed: false, key_id: null, signature_label: '未签名', document: null, compact: null,
        valid: false, verification_label: '这份月结单在签名功能启用前结账，没有签名', reasons: [],
      },
    }, { member: fixture('me-resident') })
    const page = await renderPage('qr/statement', { id: '3' })
    expect(text(page)).toContain('未签名 · 这份月结单在签名功能启用前结账，没有签名')
    expect(page.querySelector('.code-card')).toBeFalsy()
    expect(page.querySelector('.sig-state.bad')).toBeTruthy()
  })

  test('in elder mode the code is drawn larger', async () => {
    const { storage } = installWx({ 'GET /statements/7/signed': fixture('statement-signed') }, { member: fixture('me-resident') })
    storage.set('lb_elder_mode', true)
    const page = await renderPage('qr/statement', { id: '7' })
    expect(page.querySelector('.root.elder')).toBeTruthy()
    expect(page.instance.data.elder).toBe(true)
  })
})

describe('passbook statements lead to their signature', () => {
  test('a signed month says 已签名 and a tap opens its statement page', async () => {
    const statements = [{ id: 7, year: 2026, month: 11, opening_minutes: 0, minutes_in: 600, minutes_out: 0, closing_minutes: 600, per_member: [], closed_at: '2026-12-01T00:05:00+08:00', signed: true, key_id: 'XFY-20261201-3fa85f64', signature_label: '已签名' }]
    installWx({ 'GET /me/passbook': fixture('passbook'), 'GET /households/2/statements': statements }, { member: fixture('me-volunteer') })
    const page = await renderPage('passbook')
    expect(text(page)).toContain('已签名 · 点这里看签名和二维码')
    await tap(page, '.st-item')
    expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/qr/statement?id=7' })
  })
})
