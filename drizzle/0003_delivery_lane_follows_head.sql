-- A delivery queued behind a lane head that waits for its retry is not due before that head: it
-- starts with the head's next attempt time, so that claims do not walk over a blocked lane's
-- backlog at every round while a receiver is down. One index probe per insert (the lane's latest
-- unfinished row, through deliveries_lane_active_idx).
CREATE FUNCTION deliveries_follow_lane_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  latest timestamptz;
BEGIN
  IF NEW.project_id IS NOT NULL AND NEW.state = 'pending' THEN
    SELECT d.next_attempt_at INTO latest
    FROM deliveries d
    WHERE d.endpoint_id = NEW.endpoint_id AND d.project_id = NEW.project_id
      AND d.state IN ('pending', 'in_flight')
    ORDER BY d.id DESC
    LIMIT 1;
    IF latest IS NOT NULL AND latest > NEW.next_attempt_at THEN
      NEW.next_attempt_at := latest;
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER deliveries_follow_lane_head BEFORE INSERT ON deliveries
  FOR EACH ROW EXECUTE FUNCTION deliveries_follow_lane_head();
