/** 自主开展: a volunteer reports a service they organised, naming a witness who will confirm it. */

const catalog = require('../../services/catalog')
const records = require('../../services/records')
const format = require('../../utils/format')
const validate = require('../../utils/validate')
const nav = require('../../utils/nav')

const FIELD_OF = { started_at: 'window', ended_at: 'window' }

Component({
  behaviors: [require('../../behaviors/page')],
  data: {
    categories: [], catIndex: -1, itemIndex: -1,
    place: '', content: '', day: '', start: '', end: '', witness_name: '', witness_phone: '',
    today: '', errors: {}, sending: false,
  },
  methods: {
    onLoad() {
      this.setData({ today: format.today() })
      this.load()
    },
    load() {
      return this.track(catalog.getCatalog({ quiet: true }), (c) => {
        this.setData({ categories: c.categories })
      })
    },
    onCategory(e) {
      this.setData({ catIndex: Number(e.detail.value), itemIndex: -1, 'errors.category_code': '' })
    },
    onItem(e) {
      this.setData({ itemIndex: Number(e.detail.value), 'errors.item_code': '' })
    },
    onInput(e) {
      const field = e.currentTarget.dataset.field
      this.setData({ [field]: e.detail.value, [`errors.${field}`]: '' })
    },
    onDay(e) {
      this.setData({ day: e.detail.value, 'errors.window': '' })
    },
    onStart(e) {
      this.setData({ start: e.detail.value, 'errors.window': '' })
    },
    onEnd(e) {
      this.setData({ end: e.detail.value, 'errors.window': '' })
    },
    onSubmit() {
      const d = this.data
      if (d.sending) return Promise.resolve()
      const cat = d.categories[d.catIndex]
      const item = cat && cat.items[d.itemIndex]
      const fields = {
        category_code: cat ? cat.code : '', item_code: item ? item.code : '',
        place: d.place, content: d.content, day: d.day, start: d.start, end: d.end,
        witness_name: d.witness_name, witness_phone: d.witness_phone,
      }
      const errors = validate.checkReport(fields, d.today)
      this.setData({ errors })
      if (!validate.isEmpty(errors)) {
        wx.showToast({ title: '请按红字提示填写', icon: 'none' })
        return Promise.resolve()
      }
      const body = {
        category_code: fields.category_code,
        item_code: fields.item_code,
        place: d.place.trim(),
        started_at: format.toApiDateTime(d.day, d.start),
        ended_at: format.toApiDateTime(d.day, d.end),
        content: d.content.trim(),
        witness_name: d.witness_name.trim(),
        witness_phone: d.witness_phone.trim(),
      }
      this.setData({ sending: true })
      return records.report(body)
        .then(() => {
          nav.toast('已登记')
          wx.navigateBack({ delta: 1 })
        }, (err) => {
          const fe = err.fieldErrors ? err.fieldErrors() : {}
          const shown = {}
          Object.keys(fe).forEach((k) => { shown[FIELD_OF[k] || k] = fe[k] })
          this.setData({ errors: shown })
        })
        .then(() => this.setData({ sending: false }))
    },
  },
})
