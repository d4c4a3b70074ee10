/**
 * 月结单签名: one closed month of the passbook with its signature — 已签名, the key's id, and the
 * server's own check (校验通过) — and a QR code holding the signed statement, so anyone can check it
 * with the community's public key, even after the bank is gone. The words come from the server.
 */

const passbook = require('../../services/passbook')
const format = require('../../utils/format')

/** `2026-11` → 2026年11月 */
function monthLabel(period) {
  const [y, m] = String(period || '').split('-')
  return m ? `${y}年${Number(m)}月` : ''
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { id: null, month: '', figures: [], signed: false, signatureLabel: '', verificationLabel: '', valid: false, keyId: '', signedAt: '', compact: '', reasons: [] },
  methods: {
    onLoad(query) {
      this.setData({ id: (query && query.id) || null })
      this.load()
    },
    load() {
      return this.track(passbook.signedStatement(this.data.id, { quiet: true }), (st) => {
        const doc = st.document
        this.setData({
          month: doc ? monthLabel(doc.period) : '',
          figures: doc ? [
            { k: '月初结余', v: format.hours(doc.opening) },
            { k: '本月存入', v: format.hours(doc.in) },
            { k: '本月支出', v: format.hours(doc.out) },
            { k: '月末结余', v: format.hours(doc.closing) },
          ] : [],
          signed: !!st.signed,
          signatureLabel: st.signature_label,
          verificationLabel: st.verification_label,
          valid: !!st.valid,
          keyId: st.key_id || '',
          signedAt: doc ? format.dateTime(doc.signed_at) : '',
          compact: st.compact || '',
          reasons: (st.reasons || []).map((r) => r.message),
        })
      })
    },
  },
})
