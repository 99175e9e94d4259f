package seed

const CityExamTitle = "全市禁毒知识测试（期末）"
