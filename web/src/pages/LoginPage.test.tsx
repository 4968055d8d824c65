import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LoginPage } from './LoginPage';

describe('LoginPage', () => {
  it('passes the pasted token to login and shows why it was refused', async () => {
    const login = vi.fn(async () => 'The gateway refused this token.');
    render(<LoginPage mode="token" login={login} />);
    await userEvent.type(screen.getByLabelText('Token'), 'abc');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(login).toHaveBeenCalledWith('abc');
    expect(await screen.findByRole('alert')).toHaveTextContent('The gateway refused this token.');
  });

  it('asks for a Kubernetes token in kubernetes mode', () => {
    render(<LoginPage mode="kubernetes" login={async () => null} />);
    expect(screen.getByTestId('login-form')).toHaveTextContent('your Kubernetes bearer token');
  });
});
