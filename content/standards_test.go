package content

import (
	"testing"

	"github.com/jinducity/portal"
)

func TestDefaultStandardsAreValid(t *testing.T) {
	for _, l := range portal.DemoLevels {
		st := DefaultStandard(l, "云溪市")
		if f := st.Validate(); len(f) > 0 {
			t.Errorf("%s: %v", l, f)
		}
		if got := st.MaxTotal(); got != 100 {
			t.Errorf("%s: total %v, want 100", l, got)
		}
		if areas := st.Areas(); len(areas) != 6 || areas[0].Name != "组织领导" || areas[5].Name != "工作成效" {
			t.Errorf("%s: areas %v", l, areas)
		}
		kinds := map[portal.Evidence]int{}
		for _, i := range st.Indicators {
			kinds[i.Evidence]++
		}
		if kinds[portal.EvidenceComputed] == 0 || kinds[portal.EvidenceDocument] == 0 || kinds[portal.EvidenceInspection] == 0 {
			t.Errorf("%s: evidence kinds %v, want all three", l, kinds)
		}
	}
	city, nat := DefaultStandard(portal.LevelCity, ""), DefaultStandard(portal.LevelNational, "")
	if nat.PassMark <= city.PassMark || nat.Indicators[6].Target <= city.Indicators[6].Target {
		t.Errorf("national bar %v/%v not above the city's %v/%v", nat.PassMark, nat.Indicators[6].Target, city.PassMark, city.Indicators[6].Target)
	}
}
