import { useTranslation } from 'react-i18next'
import type { ConfigProblem } from '../../../../shared/config'

/** The cluster file's problems, each with the field it is in (the file on disk, or the form's draft). */
export function ConfigProblems({ problems }: { problems: readonly ConfigProblem[] }) {
  const { t } = useTranslation()
  return (
    <table className="table" data-testid="config-problems">
      <thead>
        <tr>
          <th>{t('config.field')}</th>
          <th>{t('config.problem')}</th>
        </tr>
      </thead>
      <tbody>
        {problems.map((problem) => (
          <tr key={`${problem.field}:${problem.message}`}>
            <td>
              <code translate="no">{problem.field}</code>
            </td>
            <td>{problem.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
