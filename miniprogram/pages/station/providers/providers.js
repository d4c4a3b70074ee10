/**
 * 服务站 · 签约服务机构: the home-care companies and social organisations the community contracts with
 * (paid outside Love Bank: no price here). Add one, change its contact or the services it offers, stop
 * it. A stopped provider cannot be assigned; none is ever deleted (tasks name it).
 */

const api = require('../../../api/request')
const providers = require('../../../services/providers')
const catalog = require('../../../services/catalog')
const nav = require('../../../utils/nav')

const EMPTY = { id: null, name: '', contact_name: '', phone: '', category_ids: [], active: true }

/** The form with `picked` (category id → true), which the chips read: WXML calls no methods. */
function withPicked(form) {
  const picked = {}
  form.category_ids.forEach((id) => { picked[id] = true })
  return Object.assign({}, form, { picked })
}

function row(p) {
  return Object.assign({}, p, { served: p.categories.map((c) => c.name).join('、') })
}

Component({
  behaviors: [require('../../../behaviors/page')],
  data: { list: [], categories: [], form: null, errors: {}, key: '' },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      return this.track(Promise.all([providers.list({}, { quiet: true }), catalog.getCatalog({ quiet: true })]), ([list, menu]) => {
        this.setData({ list: list.map(row), categories: menu.categories.map((c) => ({ id: c.id, name: c.name })) })
        return true
      })
    },
    onAdd() {
      this.setData({ form: withPicked(Object.assign({}, EMPTY, { category_ids: [] })), errors: {}, key: api.idempotencyKey('provider') })
    },
    onEdit(e) {
      const p = this.data.list.find((x) => x.id === e.currentTarget.dataset.id)
      this.setData({
        form: withPicked({ id: p.id, name: p.name, contact_name: p.contact_name, phone: p.phone, active: p.active, category_ids: p.categories.map((c) => c.id) }),
        errors: {},
      })
    },
    onCancelForm() {
      this.setData({ form: null, errors: {} })
    },
    onInput(e) {
      this.setData({ [`form.${e.currentTarget.dataset.field}`]: e.detail.value })
    },
    onCategory(e) {
      const id = Number(e.currentTarget.dataset.id)
      const ids = this.data.form.category_ids
      this.setData({ form: withPicked(Object.assign({}, this.data.form, { category_ids: ids.indexOf(id) >= 0 ? ids.filter((x) => x !== id) : ids.concat([id]) })) })
    },
    onActive(e) {
      this.setData({ 'form.active': !!e.detail.value })
    },
    onSave() {
      const f = this.data.form
      const errors = {}
      if (!f.name.trim()) errors.name = '请填写机构名称'
      if (f.phone && !/^1\d{10}$/.test(f.phone)) errors.phone = '请填写11位手机号'
      if (!f.category_ids.length) errors.category_ids = '请至少选择一个服务类别'
      this.setData({ errors })
      if (Object.keys(errors).length) return Promise.resolve(false)
      const body = { name: f.name.trim(), contact_name: f.contact_name.trim(), phone: f.phone, category_ids: f.category_ids, active: f.active }
      const send = f.id ? providers.update(f.id, body, { quiet: true }) : providers.create(body, this.data.key, { quiet: true })
      return send.then(() => {
        nav.toast(f.id ? '已保存' : '已添加')
        this.setData({ form: null })
        this.load()
        return true
      }, (err) => {
        // The server names the field (a duplicate name, a phone) or says why in words.
        const fields = err && err.fieldErrors ? err.fieldErrors() : {}
        this.setData({ errors: Object.keys(fields).length ? fields : { form: (err && err.message) || '没有保存成功' } })
        return false
      })
    },
    onCall(e) {
      wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.phone })
    },
  },
})
