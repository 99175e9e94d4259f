package portal

import (
	"strings"
	"time"
)

// Relations a parent confirming a receipt may give.
var Relations = []string{"father", "mother", "guardian"}

// ValidRelation reports whether r is one of Relations.
func ValidRelation(r string) bool {
	for _, x := range Relations {
		if r == x {
			return true
		}
	}
	return false
}

// ParentLetter is the city's letter to parents of a school year.
type ParentLetter struct {
	SchoolYear int
	Title      string
	Body       string
	UpdatedAt  time.Time
}

// DefaultParentLetter is the letter of a school year the city admin has not written.
var DefaultParentLetter = ParentLetter{Title: "致全市中小学生家长的一封信",
	Body: `尊敬的家长：

您好！毒品严重危害青少年身心健康，家庭是预防青少年涉毒的第一道防线。为进一步做好青少年毒品预防教育工作，请您配合学校做到以下几点：

一、多陪伴、多沟通，及时了解孩子的交友情况和思想动态；
二、和孩子一起学习禁毒知识，认清“笑气”“上头电子烟”“奶茶型”毒品等新型毒品的伪装；
三、教育孩子不接受陌生人给的香烟、饮料和食品，不进入不适合未成年人的娱乐场所；
四、发现孩子有异常情况，及时与学校联系，或拨打禁毒举报电话。

让我们携起手来，共同为孩子营造无毒的成长环境。

市禁毒委员会办公室　市教育局`}

// Validate normalizes and checks a letter as the city admin writes it.
func (l *ParentLetter) Validate() FieldErrors {
	f := FieldErrors{}
	l.Title = strings.TrimSpace(l.Title)
	l.Body = strings.TrimSpace(l.Body)
	f.Add("title", ValidateText(l.Title, 2, 60))
	f.Add("body", ValidateText(l.Body, 20, 5000))
	return f
}

// Collection is a class's collection of receipts for the parents' letter.
type Collection struct {
	ID         int64
	ClassID    int64
	SchoolID   int64
	SchoolYear int
	OpenedAt   time.Time
	ClosedAt   time.Time // zero while open
	ActivityID int64
	Receipts   []Receipt
}

// Confirmed counts the receipts confirmed.
func (c *Collection) Confirmed() int {
	n := 0
	for _, r := range c.Receipts {
		if !r.ConfirmedAt.IsZero() {
			n++
		}
	}
	return n
}

// Receipt is one student's receipt: the code on the slip the student takes home.
type Receipt struct {
	ID            int64
	CollectionID  int64
	StudentID     int64
	StudentName   string // for the teacher only
	StudentNumber string
	Code          string
	ConfirmedAt   time.Time
	Relation      string
	Message       string

	ClassName  string // filled for the parent's page
	SchoolName string
	SchoolYear int
}

// ReceiptCodeLength is the length of receipt codes: long enough that guessing one is
// hopeless, short enough to type from the slip.
const ReceiptCodeLength = 10

// NewReceiptCode returns a random receipt code.
func NewReceiptCode() string {
	b := make([]byte, ReceiptCodeLength)
	for i := range b {
		b[i] = joinCodeAlphabet[randIndex(len(joinCodeAlphabet))]
	}
	return string(b)
}

// ReceiptRate is the receipts of a group (a class or a district) and those confirmed.
type ReceiptRate struct {
	ID        int64
	Name      string
	Receipts  int
	Confirmed int
}

// Rate is the share confirmed, 0 without receipts.
func (r ReceiptRate) Rate() float64 {
	if r.Receipts == 0 {
		return 0
	}
	return float64(r.Confirmed) / float64(r.Receipts)
}
