/** 自主开展: a volunteer reports a service they organised, naming a witness who will confirm it. */

const catalog = require('../../services/catalog')
const records = require('../../services/records')
const format = require('../../utils/format')
const validate = require('../../utils/validate')
const nav = require('../../utils/nav')

const FIELD_OF = { started_at: 'window', ended_at: 'window' }

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: {
    categories: [], catIndex: -1, itemIndex: -1,
    place: '', content: '', witness_name: '', witness_phone: '',
  },
  methods: {
    onLoad() {
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
    onSubmit() {
      const d = this.data
      const cat = d.categories[d.catIndex]
      const item = cat && cat.items[d.itemIndex]
      const fields = {
        category_code: cat ? cat.code : '', item_code: item ? item.code : '',
        place: d.place, content: d.content, day: d.day, start: d.start, end: d.end,
        witness_name: d.witness_name, witness_phone: d.witness_phone,
      }
      if (this.refuse(validate.checkReport(fields, d.today))) return Promise.resolve()
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
      return this.sendForm(() => records.report(body), () => {
        nav.toast('已登记')
        wx.navigateBack({ delta: 1 })
      }, FIELD_OF)
    },
  },
})
