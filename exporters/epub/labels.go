package epub

import "strings"

// labels are the words the catalogue itself writes (headings, tombstone
// field names), in one language. Lang is the language they are written in:
// when the book's language has no labels here, English ones are used and
// every element holding one is marked lang="en", so that screen readers
// pronounce them correctly.
type labels struct {
	Lang          string
	Contents      string
	Landmarks     string
	Cover         string
	TitlePage     string
	Introduction  string
	ListOfPlates  string
	Colophon      string
	Plate         string
	Number        string
	Caption       string
	Date          string
	Creator       string
	Place         string
	Medium        string
	Dimensions    string
	Credit        string
	Rights        string
	Note          string
	NoImage       string
	Publisher     string
	Credits       string
	Identifier    string
	Edition       string
	Source        string
	Retrieved     string
	MadeWith      string
	Reproduction  string
	Exhibition    string
	PlatesInGroup string
	Roles         map[string]string
}

var allLabels = map[string]labels{
	"en": {
		Lang: "en", Contents: "Contents", Landmarks: "Landmarks", Cover: "Cover",
		TitlePage: "Title page", Introduction: "Introduction", ListOfPlates: "List of plates",
		Colophon: "Colophon", Plate: "Plate", Number: "Number", Caption: "Caption", Date: "Date",
		Creator: "Creator", Place: "Place", Medium: "Medium", Dimensions: "Dimensions",
		Credit: "Credit", Rights: "Rights", Note: "Note",
		NoImage:   "No image of this plate is included; its caption is given as recorded.",
		Publisher: "Publisher", Credits: "Credits", Identifier: "Identifier", Edition: "Edition",
		Source: "Source", Retrieved: "retrieved", MadeWith: "Made with",
		Reproduction:  "Captions and dates are reproduced as written in the source, without correction; where the source is damaged or cut short, a note on the plate says so.",
		Exhibition:    "Exhibition",
		PlatesInGroup: "Plates in this section",
		Roles: map[string]string{
			"curator": "Curator", "photographer": "Photographer", "author": "Author",
			"editor": "Editor", "publisher": "Publisher", "provider": "Provider",
			"lender": "Lender", "contributor": "Contributor", "translator": "Translator",
			"designer": "Designer",
		},
	},
	"ko": {
		Lang: "ko", Contents: "차례", Landmarks: "주요 위치", Cover: "표지",
		TitlePage: "속표지", Introduction: "서문", ListOfPlates: "도판 목록",
		Colophon: "판권", Plate: "도판", Number: "번호", Caption: "설명", Date: "연대",
		Creator: "작가", Place: "장소", Medium: "재료", Dimensions: "크기",
		Credit: "출처", Rights: "권리", Note: "참고",
		NoImage:   "이 도판의 이미지는 수록되지 않았으며, 설명은 기록된 그대로 싣는다.",
		Publisher: "발행처", Credits: "만든 이", Identifier: "식별자", Edition: "발행일",
		Source: "원문", Retrieved: "수집일", MadeWith: "제작 도구",
		Reproduction:  "설명과 연대는 원문에 적힌 그대로 싣고 고치지 않았다. 원문이 손상되었거나 잘린 경우 해당 도판에 참고 사항으로 밝혀 두었다.",
		Exhibition:    "전시",
		PlatesInGroup: "이 부의 도판",
		Roles: map[string]string{
			"curator": "큐레이터", "photographer": "사진", "author": "글",
			"editor": "편집", "publisher": "발행처", "provider": "제공",
			"lender": "대여", "contributor": "도움", "translator": "번역",
			"designer": "디자인",
		},
	},
}

// labelsFor returns the labels for a BCP 47 tag, matching on its primary
// language subtag, falling back to English.
func labelsFor(lang string) labels {
	primary := strings.ToLower(strings.SplitN(lang, "-", 2)[0])
	if l, ok := allLabels[primary]; ok {
		return l
	}
	return allLabels["en"]
}

// role returns the name of a role in these labels, or the role itself.
func (l labels) role(r string) string {
	if s, ok := l.Roles[r]; ok {
		return s
	}
	return r
}
