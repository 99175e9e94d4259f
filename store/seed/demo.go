// Package seed fills a database with the fictional demo city, through the real store.
package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "demo12345"

// DemoJoinCode is the join code of the demo class.
const DemoJoinCode = "DEMO01"

// Account is a demo account, for printing at start.
type Account struct {
	Username string
	Role     portal.Role
	Note     string
}

// Demo fills an empty database with the demo city and returns the accounts to print.
func Demo(ctx context.Context, s *store.Store, now time.Time) ([]Account, error) {
	a := portal.SystemActor
	hash, err := portal.HashPassword(DemoPassword)
	if err != nil {
		return nil, err
	}
	d := &portal.District{Name: "云溪区", Code: "YX"}
	if err := s.CreateDistrict(ctx, a, d); err != nil {
		return nil, fmt.Errorf("district: %w", err)
	}
	sc := &portal.School{DistrictID: d.ID, Name: "云溪区实验中学", Stage: portal.StageJunior, Enrolment: 1260, HasGraduating: true}
	if err := s.CreateSchool(ctx, a, sc); err != nil {
		return nil, fmt.Errorf("school: %w", err)
	}
	as := &portal.Association{Name: "云溪区禁毒志愿者协会", DistrictID: d.ID}
	if err := s.CreateAssociation(ctx, a, as); err != nil {
		return nil, fmt.Errorf("association: %w", err)
	}
	users := []*portal.User{
		{Username: "admin", DisplayName: "市禁毒办管理员", Role: portal.RoleAdmin},
		{Username: "district", DisplayName: "云溪区审核员", Role: portal.RoleDistrict, DistrictID: d.ID},
		{Username: "teacher", DisplayName: "王老师", Role: portal.RoleTeacher, SchoolID: sc.ID},
		{Username: "coordinator", DisplayName: "李协调员", Role: portal.RoleCoordinator, AssociationID: as.ID},
		{Username: "volunteer", DisplayName: "张志愿者", Role: portal.RoleVolunteer, AssociationID: as.ID},
	}
	for _, u := range users {
		u.Demo = true
		if err := s.CreateUser(ctx, a, u, hash); err != nil {
			return nil, fmt.Errorf("user %s: %w", u.Username, err)
		}
	}
	c := &portal.Class{SchoolID: sc.ID, SchoolYear: portal.SchoolYear(now), Grade: 7, Name: "初一（1）班"}
	if err := s.CreateClass(ctx, a, c); err != nil {
		return nil, fmt.Errorf("class: %w", err)
	}
	if err := s.SetJoinCode(ctx, a, c.ID, DemoJoinCode); err != nil {
		return nil, err
	}
	var out []Account
	for _, u := range users {
		out = append(out, Account{Username: u.Username, Role: u.Role})
	}
	return out, nil
}
