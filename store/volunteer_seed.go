package store

import (
	"context"
	"fmt"

	"github.com/jinducity/portal"
)

// SeedSignup is one volunteer's sign-up in seeded data; Hours < 0 means not confirmed.
type SeedSignup struct {
	UserID   int64
	Status   string
	Attended bool
	Hours    float64
}

// SeedOpportunity is an opportunity with its sign-ups, for seeding.
type SeedOpportunity struct {
	portal.Opportunity
	Signups []SeedSignup
}

// SeedVolunteerData is the volunteer side of a seeded city.
type SeedVolunteerData struct {
	Profiles      []portal.Volunteer
	Applications  []portal.Membership // status applied
	Opportunities []*SeedOpportunity
	Requests      []SeedRequest
	Notices       []SeedNotice
}

// SeedRequest is a school's request in seeded data; an accepted one points at its
// opportunity by index into Opportunities, an open one has OppIndex -1.
type SeedRequest struct {
	portal.VolunteerRequest
	OppIndex int
}

// SeedNotice is a home-page notice in seeded data; OppIndex points into Opportunities.
type SeedNotice struct {
	UserID   int64
	Kind     string
	OppIndex int
}

// BulkSeedVolunteers writes profiles, applications, opportunities with their sign-ups and
// hours, school requests and notices in one transaction. Opportunities are checked only
// for what the database needs (their times may lie in the past).
func (s *Store) BulkSeedVolunteers(ctx context.Context, a portal.Actor, d *SeedVolunteerData) error {
	return s.inTx(ctx, func(ctx context.Context, tx *Tx) error {
		now := s.now().UTC()
		prof, err := tx.PrepareContext(ctx, `INSERT INTO volunteer_profiles (user_id, phone, district_id, skills, availability,
			consent_version, consent_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer prof.Close()
		for _, v := range d.Profiles {
			if _, err := prof.ExecContext(ctx, v.UserID, v.Phone, nullID(v.DistrictID), portal.JoinSkills(v.Skills), v.Availability,
				portal.VolunteerRulesVersion, createdAt(v.ConsentAt, now)); err != nil {
				return fmt.Errorf("profile %d: %w", v.UserID, err)
			}
		}
		for _, m := range d.Applications {
			if _, err := tx.ExecContext(ctx, `INSERT INTO memberships (user_id, association_id, status, applied_at) VALUES (?, ?, 'applied', ?)`,
				m.UserID, m.AssociationID, createdAt(m.AppliedAt, now)); err != nil {
				return fmt.Errorf("application %d: %w", m.UserID, err)
			}
		}
		opp, err := tx.PrepareContext(ctx, `INSERT INTO opportunities (association_id, title, description, place, starts_at, ends_at,
			deadline, capacity, skills, city_wide, status, school_id, activity_key, hours_confirmed_at, school_confirmed_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return err
		}
		defer opp.Close()
		sig, err := tx.PrepareContext(ctx, `INSERT INTO signups (opportunity_id, user_id, status, seq, signed_at, checkin_at, checkout_at,
			attended, hours, hours_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer sig.Close()
		for i, o := range d.Opportunities {
			var confirmed, school any
			if o.HoursConfirmed {
				confirmed = o.EndsAt.UTC()
			}
			if o.SchoolConfirmed {
				school = o.EndsAt.UTC()
			}
			id, err := opp.insertID(ctx, o.AssociationID, o.Title, o.Description, o.Place, o.StartsAt.UTC(), o.EndsAt.UTC(),
				o.Deadline.UTC(), o.Capacity, portal.JoinSkills(o.Skills), o.CityWide, nullID(o.SchoolID), o.ActivityKey,
				confirmed, school, createdAt(o.CreatedAt, now))
			if err != nil {
				return bulkError("opportunity", i, o.Title, err)
			}
			o.ID = id
			signed := o.Deadline.Add(-48 * 3600e9).UTC()
			for k, x := range o.Signups {
				var in, out, hours, hoursAt any
				if x.Attended {
					in, out = o.StartsAt.Add(-10*60e9).UTC(), o.EndsAt.Add(5*60e9).UTC()
				}
				if x.Hours >= 0 {
					hours, hoursAt = x.Hours, o.EndsAt.Add(24*3600e9).UTC()
				}
				if _, err := sig.ExecContext(ctx, o.ID, x.UserID, x.Status, k+1, signed, in, out, x.Attended, hours, hoursAt); err != nil {
					return bulkError("signup", k, o.Title, err)
				}
			}
		}
		for _, q := range d.Requests {
			if q.OppIndex >= 0 {
				q.OpportunityID = d.Opportunities[q.OppIndex].ID
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_requests (school_id, association_id, activity_key, topic, details,
				preferred_date, volunteers, status, opportunity_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				q.SchoolID, q.AssociationID, q.ActivityKey, q.Topic, q.Details, dateString(q.PreferredDate), q.Volunteers, q.Status,
				nullID(q.OpportunityID), createdAt(q.CreatedAt, now)); err != nil {
				return err
			}
		}
		for _, n := range d.Notices {
			if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_notices (user_id, kind, opportunity_id, at) VALUES (?, ?, ?, ?)`,
				n.UserID, n.Kind, d.Opportunities[n.OppIndex].ID, now); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, "seed.volunteers", "opportunity", 0, fmt.Sprintf("%d opportunities", len(d.Opportunities)))
	})
}
