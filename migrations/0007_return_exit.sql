-- Presets saved before this migration ended journeys on 'return.opened', an event nothing emits: a customer
-- who opened a return still got the survey, care tips and voucher mails. Opening a return is
-- 'return.requested' (or 'return.needs_review' when staff must look first). Journey versions are otherwise
-- immutable; this corrects the one misspelt exit in place, so people already inside get the fix too.
UPDATE journey_versions
SET definition = jsonb_set(definition, '{exits}', (
  SELECT jsonb_agg(DISTINCT name)
  FROM (
    SELECT name FROM jsonb_array_elements_text(definition -> 'exits') AS e(name) WHERE name <> 'return.opened'
    UNION ALL SELECT 'return.requested'
    UNION ALL SELECT 'return.needs_review'
  ) AS names
))
WHERE definition -> 'exits' ? 'return.opened';
