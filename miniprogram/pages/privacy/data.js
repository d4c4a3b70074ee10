/** 我的数据: the export saved on the phone, section by section in plain words; it can be sent to a WeChat chat. */

const files = require('../../utils/files')
const mydata = require('../../utils/mydata')
const format = require('../../utils/format')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { filePath: '', fileName: '', when: '', sections: [] },
  methods: {
    onLoad(query) {
      const filePath = decodeURIComponent((query && query.file) || '')
      const doc = filePath ? files.readJson(filePath) : null
      if (!doc) {
        this.setData({ state: 'error', stateText: '文件已经不在手机上了，请回到上一页重新导出' })
        return
      }
      this.setData({
        filePath,
        fileName: filePath.split('/').pop(),
        when: format.dateTime(doc.exported_at),
        sections: mydata.sections(doc),
        state: 'ready',
      })
    },
    load() {
      wx.navigateBack()
    },
    onShare() {
      return files.share(this.data.filePath, this.data.fileName)
    },
  },
})
