/**
 * 建档立卡 (station only): the case file of a person in need — who (a member of one of the
 * community's households), needs, risks, emergency contact, and the date they consented.
 * Below the form, the files already open, each with a way to draft its agreement.
 */

const agreements = require('../../services/agreements')
const households = require('../../services/households')
const format = require('../../utils/format')
const validate = require('../../utils/validate')

const EMPTY = { needs: '', risks: '', contact_name: '', contact_phone: '' }
const FIELD_OF = { member_id: 'member', emergency_contact_name: 'contact_name', emergency_contact_phone: 'contact_phone', consent_date: 'consent' }

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: {
    households: [], householdIndex: -1, members: [], memberIndex: -1, loadingMembers: false,
    f: EMPTY, consentDate: '', files: [],
  },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      const both = Promise.all([households.list({ quiet: true }), agreements.files({ quiet: true })])
      return this.track(both, ([list, files]) => {
        this.setData({
          households: list.map((h) => Object.assign({}, h, { label: `${h.name}（${[h.building, h.unit, h.room].filter(Boolean).join(' ')}）` })),
          files: files.map((x) => Object.assign({}, x, { since: format.date(x.created_at, true) })),
          consentDate: format.today(),
        })
        return true
      })
    },
    onHousehold(e) {
      const householdIndex = Number(e.detail.value)
      this.setData({ householdIndex, members: [], memberIndex: -1, loadingMembers: true, 'errors.member': '' })
      return households.get(this.data.households[householdIndex].id).then((h) => {
        this.setData({ members: (h.members || []).map((m) => Object.assign({}, m, { label: `${m.name}${m.age ? `，${m.age}岁` : ''}${m.uses_wechat ? '' : '（不用手机）'}` })) })
      }, () => null).then(() => this.setData({ loadingMembers: false }))
    },
    onMember(e) {
      this.setData({ memberIndex: Number(e.currentTarget.dataset.index), 'errors.member': '' })
    },
    onConsent(e) {
      this.setData({ consentDate: e.detail.value, 'errors.consent': '' })
    },
    body() {
      const d = this.data
      const f = d.f
      const member = d.members[d.memberIndex]
      const errors = {}
      if (!member) errors.member = '请先选家庭，再选是哪一位'
      if (f.needs.trim().length < 2) errors.needs = '请写一下需要哪些帮助'
      if (!f.contact_name.trim()) errors.contact_name = '请填写紧急联系人'
      if (!validate.PHONE.test(f.contact_phone.trim())) errors.contact_phone = '请填写紧急联系人的11位手机号'
      if (!d.consentDate) errors.consent = '请选择本人（或监护人）同意建档的日期'
      else if (d.consentDate > format.today()) errors.consent = '同意日期不能晚于今天'
      if (this.refuse(errors)) return null
      return {
        member_id: member.id,
        needs: f.needs.trim(),
        risks: f.risks.trim(),
        emergency_contact_name: f.contact_name.trim(),
        emergency_contact_phone: f.contact_phone.trim(),
        consent_date: d.consentDate,
      }
    },
    onSubmit() {
      const body = this.body()
      if (!body) return Promise.resolve()
      return this.sendForm(() => agreements.openFile(body), (file) => {
        wx.showModal({
          title: '已建档',
          content: `${file.member_name}的档案已建立。现在给他起草帮扶协议吗？`,
          confirmText: '起草协议',
          cancelText: '以后再说',
          success: (res) => {
            if (res.confirm) wx.redirectTo({ url: `/pages/agreements/form?file=${file.id}` })
          },
        })
        this.setData({ f: EMPTY, memberIndex: -1 })
        return this.load()
      }, FIELD_OF)
    },
    onDraft(e) {
      wx.navigateTo({ url: `/pages/agreements/form?file=${e.currentTarget.dataset.id}` })
    },
  },
})
